@area:assurance
Feature: Recovery from an instance crash and from a link failure
  When a component of a VNF crashes it is replaced make-before-break within the heal figure of
  features/targets/<profile>.yaml; when a NIC link goes down, discovery reports it, its virtual functions are
  withdrawn, and new SR-IOV attachments avoid it (RA1:inf.nw.07, RA2:inf.ntw.01: network resiliency).
  Not checked here: packet loss and recovery time of traffic through a failed instance or link. That needs the
  chaining or traffic facet of the target, which the emulator does not expose yet (see docs/conformance-content.md).

  Background:
    Given the target has been discovered

  Scenario: A crashed component is healed make-before-break within the heal figure
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
    When the first "fw" component crashes and is healed
    Then the operation succeeds within "lifecycle.heal_max_s"
    And the "fw" component is replaced, make-before-break
    And "fw" runs 2 components

  @RA1:inf.nw.07 @RA2:inf.ntw.01 @profile:high-performance @requires:node:hp-1
  Scenario: A NIC whose link goes down is reported, and its virtual functions are withdrawn until it comes back
    When the link of NIC "ens1f0" on node "hp-1" goes down
    Then discovery reports NIC "ens1f0" on node "hp-1" as down
    When the link of NIC "ens1f0" on node "hp-1" comes back up
    Then discovery reports NIC "ens1f0" on node "hp-1" as up

  @RA1:inf.nw.07 @RA2:inf.ntw.01 @profile:high-performance @requires:node:hp-1
  Scenario: New SR-IOV attachments avoid a NIC whose link is down
    Given a workload "dp" asking for 2 cores and 2048 MiB of memory
    And it prefers for "data0" the ladder "sriov-vf"
    When the link of NIC "ens1f0" on node "hp-1" goes down
    And the target places 2 containers of the request
    Then 2 instances are placed
    And every interface uses "sriov-vf"
    And no interface uses NIC "ens1f0" of node "hp-1"

  @RA1:inf.nw.07 @RA2:inf.ntw.01 @profile:basic @requires:node:basic-1 @requires:site:core-1
  Scenario: A node that loses one link keeps serving kernel attachments on the other
    Given a workload "any" asking for 1 cores and 512 MiB of memory
    And it prefers for "data0" the ladder "kernel-virtio"
    And it asks for site "core-1"
    When the link of NIC "eth0" on node "basic-1" goes down
    And the target places 1 VM of the request
    Then 1 instance is placed
    And no interface uses NIC "eth0" of node "basic-1"
