@area:lifecycle
Feature: VNF upgrade and descriptor checks
  A new version of a VNF replaces the running one make-before-break, and a descriptor with errors is refused with
  the problem named, so a vendor can fix it. The upgrade moves every component to the new version's image
  (RM:e.man.005: workload software images are managed); the descriptor check is behaviour the issue asks for, with no
  catalogue requirement, so it carries no uid.

  Background:
    Given the target has been discovered

  @RM:e.man.005
  Scenario: An upgrade replaces the components make-before-break within its figure
    Given the VNF descriptor is onboarded:
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
    And the VNF is instantiated
    And the VNF descriptor is onboarded:
      """
      vnfd:
        id: vfw-${unique}
        version: "2.0"
        configuration: {rules: allow-all, log_level: info}
        deployment_units:
          - {name: fw, kind: vm, image: vfw-2.0.qcow2, cores: 1, memory_mb: 1024, instances: 2, min_instances: 1, max_instances: 3, anti_affinity: true,
             connection_points: [{name: data0, attachment: [kernel-virtio]}, {name: mgmt, attachment: [kernel-virtio]}]}
          - {name: logger, kind: container, image: logger-1.0, cores: 1, memory_mb: 256, event_driven: true,
             connection_points: [{name: eth0, attachment: [kernel-virtio]}]}
        scaling_aspects:
          - {name: fw-capacity, deployment_unit: fw, step: 1}
      """
    When the VNF is upgraded to version "2.0"
    Then the operation succeeds within "lifecycle.upgrade_max_s"
    And new components started before old ones stopped
    And the VNF runs version "2.0"
    And every "fw" component runs image "vfw-2.0.qcow2"
    And "fw" runs 2 components

  Scenario: A descriptor with a wrong field is refused with the field named
    When the VNF descriptor is offered for onboarding:
      """
      vnfd:
        id: broken-${unique}
        version: "1.0"
        deployment_units:
            - {name: fw, kind: vm, image: fw.qcow2, cores: fast, memory_mb: 1024,
               connection_points: [{name: data0, attachment: [kernel-virtio]}]}
      """
    Then the operation is refused naming "cores"
