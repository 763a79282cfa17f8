@area:performance
Feature: New L3/L4 flows per second through a vNIC and through a node
  RC1 measures how many new L3/L4 flows per second a vNIC (vnf.nfvi.perf.005, indicative 110 kfps) and a node
  (infra.nfvi.perf.003, indicative 200 kfps) sustain, both from test case N:PVP-L2-FWD. A new flow is expensive where
  something keeps state per flow: a stateful firewall inserts a connection-tracking entry, a NAT44 creates a session
  and allocates a port. So the chains here are stateful, every flow is a 5-tuple never seen before, and the target's
  traffic generator starts flows at a given rate (each sending 2 packets at once, as a short UDP exchange would). The
  highest rate at which no packet of any flow is lost is searched in 50 ms trials (doubling, then bisection) and must
  reach the figure in features/targets/<profile>.yaml; a short trial can hide a small excess in the instances' queues,
  so a 1-second trial at exactly the figure's rate must then start that many flows and complete every one. Per node, two chains whose instances are disjoint (two vNICs of the node) carry equal shares and the
  node's total counts. On the emulator the trials run in virtual time over the chain model, in which each flow's first
  packet costs each stateful instance its measured set-up (firewall 360 cycles, NAT44 1,040 at 2.5 GHz; see
  docs/service-chaining.md); the model gives each instance its own core, so the per-node total is the sum of its chains and
  does not show CPU contention between them.

  Background:
    Given the target has been discovered

  @RC1:vnf.nfvi.perf.005 @requires:virtual-time-trials
  Scenario: One stateful firewall's vNIC sustains RC1's new-flow rate without loss
    Given the service function instances:
      | instance | function | group |
      | fw-1     | firewall | fw    |
    And a flow classifier "new-flows" for udp traffic from "10.0.0.0/8"
    And a service chain "vnic" with id 91 through "fw" classified by "new-flows"
    And the chain spec is applied
    When the highest new-flow rate chains "vnic" sustain together without loss is searched, with flows of 2 packets
    Then the sustained new-flow rate is at least "performance.new_flows_per_vnic_min_fps", and a trial at that rate completes every flow it starts

  @RC1:infra.nfvi.perf.003 @requires:virtual-time-trials
  Scenario: A node with two firewall and NAT chains sustains RC1's per-node new-flow rate without loss
    Given the service function instances:
      | instance | function | group |
      | fw-a     | firewall | fwa   |
      | nat-a    | nat44    | nata  |
      | fw-b     | firewall | fwb   |
      | nat-b    | nat44    | natb  |
    And a flow classifier "left" for udp traffic from "10.0.0.0/9"
    And a flow classifier "right" for udp traffic from "10.128.0.0/9"
    And a service chain "left" with id 92 through "fwa,nata" classified by "left"
    And a service chain "right" with id 93 through "fwb,natb" classified by "right"
    And the chain spec is applied
    When the highest new-flow rate chains "left,right" sustain together without loss is searched, with flows of 2 packets
    Then the sustained new-flow rate is at least "performance.new_flows_per_node_min_fps", and a trial at that rate completes every flow it starts
