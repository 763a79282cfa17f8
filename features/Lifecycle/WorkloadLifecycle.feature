@area:lifecycle
Feature: The lifecycle of a VNF whose components a single host can run: containers and a VM
  The VNF of VnfLifecycle.feature asks for anti-affine VM components from a vendor image, which a single Linux host
  cannot give (it refuses them, so those scenarios are not applicable there). This VNF asks only for what one host
  can run for real: container components of the project's own CNF image (nfvc/cnf, a new tag is a new image) and a
  VM of the project's guest (nfvc/guest), each attached by kernel virtio. On the linux target every operation starts,
  kills and stops real containers and QEMU VMs, reads each component back from Docker, the kernel and the guest, and
  is timed on the wall clock; on the emulator the same scenarios run on its virtual clock.
  Checks: instantiation allocates compute and network on demand (RM:e.man.001, RM:e.man.003, RA1:gen.ost.02) and
  every component reads back its addresses (RA1:inf.nw.01); scale, heal (a killed component is detected and
  replaced make-before-break), configuration, upgrade to a new image (RM:e.man.005, rolling, make-before-break),
  termination and an event-driven component's cold start succeed within the figures of features/targets/<profile>.yaml.

  Background:
    Given the target has been discovered
    And the VNF descriptor is onboarded:
      """
      vnfd:
        id: cnf-${unique}
        version: "1.0"
        configuration: {rules: allow-all, log_level: info}
        deployment_units:
          - {name: fw, kind: container, image: "nfvc/cnf:1.0", cores: 1, memory_mb: 128, instances: 2, min_instances: 1, max_instances: 3,
             connection_points: [{name: data0, attachment: [kernel-virtio]}, {name: mgmt, attachment: [kernel-virtio]}]}
          - {name: logger, kind: container, image: "nfvc/cnf:1.0", cores: 1, memory_mb: 64, event_driven: true,
             connection_points: [{name: eth0, attachment: [kernel-virtio]}]}
        scaling_aspects:
          - {name: fw-capacity, deployment_unit: fw, step: 1}
      """

  @RM:e.man.001 @RM:e.man.003 @RA1:gen.ost.02 @RA1:inf.nw.01
  Scenario: Instantiation starts every container component with its addresses
    When the VNF is instantiated
    Then the operation succeeds within "lifecycle.instantiate_max_s"
    And "fw" runs 2 components
    And "logger" runs 0 components
    And every "fw" component runs image "nfvc/cnf:1.0"
    And every component reads back an IP and a MAC address on each connection point

  @RM:e.man.001 @RA1:inf.nw.01
  Scenario: A VM component and a container component are instantiated side by side
    Given the VNF descriptor is onboarded:
      """
      vnfd:
        id: mixed-${unique}
        version: "1.0"
        deployment_units:
          - {name: fw, kind: container, image: "nfvc/cnf:1.0", cores: 1, memory_mb: 128, instances: 1,
             connection_points: [{name: data0, attachment: [kernel-virtio]}]}
          - {name: probe, kind: vm, image: nfvc/guest, cores: 1, memory_mb: 256, instances: 1,
             connection_points: [{name: data0, attachment: [kernel-virtio]}]}
      """
    When the VNF is instantiated
    Then the operation succeeds within "lifecycle.instantiate_max_s"
    And "fw" runs 1 component
    And "probe" runs 1 component
    And every "probe" component runs image "nfvc/guest"
    And every component reads back an IP and a MAC address on each connection point

  @RA1:gen.ost.02
  Scenario: Scaling out adds a container component and scaling in removes one
    Given the VNF is instantiated
    When the VNF is scaled out on "fw-capacity" by 1 step
    Then the operation succeeds within "lifecycle.scale_max_s"
    And "fw" runs 3 components
    When the VNF is scaled in on "fw-capacity" by 2 steps
    Then the operation succeeds within "lifecycle.scale_max_s"
    And "fw" runs 1 component

  Scenario: A killed component is detected and replaced make-before-break within the heal figure
    Given the VNF is instantiated
    When the first "fw" component crashes and is healed
    Then the operation succeeds within "lifecycle.heal_max_s"
    And the "fw" component is replaced, make-before-break
    And "fw" runs 2 components
    And every component reads back an IP and a MAC address on each connection point

  Scenario: A configuration change is written into every component and reads back
    Given the VNF is instantiated
    When the VNF's configuration is changed:
      | key       | value |
      | log_level | debug |
    Then the operation succeeds within "lifecycle.configure_max_s"
    And the configuration "log_level" reads back "debug"
    And the configuration "rules" reads back "allow-all"

  @RM:e.man.005
  Scenario: An upgrade to a new image version rolls make-before-break within its figure
    Given the VNF is instantiated
    And the VNF descriptor is onboarded:
      """
      vnfd:
        id: cnf-${unique}
        version: "2.0"
        configuration: {rules: allow-all, log_level: info}
        deployment_units:
          - {name: fw, kind: container, image: "nfvc/cnf:2.0", cores: 1, memory_mb: 128, instances: 2, min_instances: 1, max_instances: 3,
             connection_points: [{name: data0, attachment: [kernel-virtio]}, {name: mgmt, attachment: [kernel-virtio]}]}
          - {name: logger, kind: container, image: "nfvc/cnf:1.0", cores: 1, memory_mb: 64, event_driven: true,
             connection_points: [{name: eth0, attachment: [kernel-virtio]}]}
        scaling_aspects:
          - {name: fw-capacity, deployment_unit: fw, step: 1}
      """
    When the VNF is upgraded to version "2.0"
    Then the operation succeeds within "lifecycle.upgrade_max_s"
    And new components started before old ones stopped
    And the VNF runs version "2.0"
    And every "fw" component runs image "nfvc/cnf:2.0"
    And "fw" runs 2 components

  Scenario: An event-driven component cold-starts for its first event, serves warm, and scales to zero
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

  Scenario: Termination stops and removes every component
    Given the VNF is instantiated
    When the VNF is terminated
    Then the operation succeeds within "lifecycle.terminate_max_s"
    And the VNF is gone and its resources are released

  Scenario: A malformed descriptor is refused with its file and line before anything starts
    When the VNF descriptor is offered for onboarding:
      """
      vnfd:
        id: broken-${unique}
        version: "1.0"
        deployment_units:
          - {name: fw, kind: container, image: "nfvc/cnf:1.0", cores: 1, memory_mb: lots,
             connection_points: [{name: data0, attachment: [kernel-virtio]}]}
      """
    Then the operation is refused naming "memory_mb"
    And the refusal names line 5 of the descriptor
