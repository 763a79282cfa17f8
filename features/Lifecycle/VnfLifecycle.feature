@area:lifecycle
Feature: VNF lifecycle: onboard, instantiate, read back, scale, configure, upgrade, terminate
  A VNF is onboarded from its descriptor and driven through its lifecycle through the infrastructure's management
  interface; each operation is checked for its outcome and its duration on the target's clock against the figures
  of features/targets/<profile>.yaml (the RM's e.man-pm.* "max ms" entries leave their values to the RAs, which set
  none, so the figures are engineering choices stated in the file).
  Checks: instantiation allocates compute and network on demand (RM:e.man.001, RM:e.man.003, RA1:gen.ost.02) and
  every component reads back its addresses (RA1:inf.nw.01); scaling, configuration, upgrade (make-before-break)
  and termination succeed within their figures and leave the instance as asked; a descriptor with errors is refused
  with the problem named; an event-driven component cold-starts within its figure, then serves warm, and scales to
  zero.

  Background:
    Given the target has been discovered
    And the VNF descriptor is onboarded:
      """
      vnfd:
        id: vfw-${unique}
        version: "1.0"
        configuration: {rules: allow-all, log_level: info}
        deployment_units:
          - {name: fw, kind: vm, image: vfw-1.0.qcow2, cores: 1, memory_mb: 1024, instances: 2, min_instances: 1, max_instances: 3, anti_affinity: true,
             connection_points: [{name: data0, attachment: [kernel-virtio]}, {name: mgmt, attachment: [kernel-virtio]}]}
          - {name: logger, kind: container, image: logger-1.0, cores: 1, memory_mb: 256, event_driven: true,
             connection_points: [{name: eth0, attachment: [kernel-virtio]}]}
        scaling_aspects:
          - {name: fw-capacity, deployment_unit: fw, step: 1}
      """

  @RM:e.man.001 @RM:e.man.003 @RA1:gen.ost.02 @RA1:inf.nw.01
  Scenario: Instantiation allocates every component with its addresses
    When the VNF is instantiated
    Then the operation succeeds within "lifecycle.instantiate_max_s"
    And "fw" runs 2 components
    And "logger" runs 0 components
    And every component reads back an IP and a MAC address on each connection point

  Scenario: Anti-affine components stand on different nodes
    Given the VNF is instantiated
    Then the "fw" components stand on different nodes

  @RA1:gen.ost.02
  Scenario: Scaling out adds a component within the scaling figure
    Given the VNF is instantiated
    When the VNF is scaled out on "fw-capacity" by 1 step
    Then the operation succeeds within "lifecycle.scale_max_s"
    And "fw" runs 3 components

  Scenario: Scaling in removes a component
    Given the VNF is instantiated
    When the VNF is scaled in on "fw-capacity" by 1 step
    Then the operation succeeds within "lifecycle.scale_max_s"
    And "fw" runs 1 component

  Scenario: Scaling beyond the descriptor's maximum is refused and changes nothing
    Given the VNF is instantiated
    When the VNF is scaled out on "fw-capacity" by 2 steps
    Then the operation is refused naming "allowed 1..3"
    And "fw" runs 2 components

  Scenario: A configuration change is applied and reads back
    Given the VNF is instantiated
    When the VNF's configuration is changed:
      | key       | value |
      | log_level | debug |
    Then the operation succeeds within "lifecycle.configure_max_s"
    And the configuration "log_level" reads back "debug"
    And the configuration "rules" reads back "allow-all"

  Scenario: Termination releases every component
    Given the VNF is instantiated
    When the VNF is terminated
    Then the operation succeeds within "lifecycle.terminate_max_s"
    And the VNF is gone and its resources are released

  Scenario: An event-driven component cold-starts within its figure, then serves warm
    Given the VNF is instantiated
    When an event arrives for "logger"
    Then the operation succeeds within "lifecycle.cold_start_max_s"
    And the operation reports a "cold-start" event
    And "logger" runs 1 component
    When an event arrives for "logger"
    Then the operation succeeds
    And the operation reports no "cold-start" event
    When "logger" is scaled to zero
    Then the operation succeeds
    And "logger" runs 0 components
