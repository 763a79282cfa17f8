@area:service-chaining
Feature: Chains change while traffic flows, without losing packets or moving flows
  Inserting a hop, removing a hop and adding an instance to a group must take effect atomically: flows probed
  before the update are still delivered after it, keep the instance they were pinned to, and no instance drops a
  packet; new flows take the new path exactly. Checks RM infra.net.cfg.005 and RA1 inf.nw.04 (chains can be
  managed, not only created); scaling a group out while its flows stay put also checks RM pas.lb.001 and its RA2
  mirror ra2.plat.004 (the load balancer scales with the workload's resources). Not checked here: loss of a continuous real-time stream across the swap (the
  chaining facet offers probes and virtual-time trials, not a real-time stream through the chain).

  Background:
    Given the target has been discovered
    And the service function instances:
      | instance | function | group |
      | fw-1     | firewall | fw    |
      | fw-2     | firewall | fw    |
      | nat-1    | nat44    | nat   |
      | rt-1     | router   | rt    |
    And a flow classifier "inside" for udp traffic from "10.0.0.0/8"
    And a service chain "web" with id 5 through "fw,rt" classified by "inside"
    And the chain spec is applied
    And 200 udp flows from "10.9.0.1" to "198.51.100.9" port 53 were probed at group "fw"

  @RM:infra.net.cfg.005 @RA1:inf.nw.04
  Scenario: Inserting a hop takes effect for every flow without loss or re-pinning
    When hop "nat" is inserted into chain "web" after "fw"
    And the updated chain spec is applied
    Then every udp flow from "10.9.0.1" to "198.51.100.9" port 53 is delivered by the same instance of group "fw" again
    And no chained instance dropped a packet
    When a udp probe goes from "10.9.9.9" port 7000 to "198.51.100.9" port 53
    Then the probe is delivered through exactly:
      | spi | si  | group | instance |
      | 5   | 255 | fw    | *        |
      | 5   | 254 | nat   | nat-1    |
      | 5   | 253 | rt    | rt-1     |

  @RM:infra.net.cfg.005 @RA1:inf.nw.04
  Scenario: Removing a hop takes effect for every flow without loss or re-pinning
    When hop "rt" is removed from chain "web"
    And the updated chain spec is applied
    Then every udp flow from "10.9.0.1" to "198.51.100.9" port 53 is delivered by the same instance of group "fw" again
    And no chained instance dropped a packet
    When a udp probe goes from "10.9.9.9" port 7001 to "198.51.100.9" port 53
    Then the probe is delivered through exactly:
      | spi | si  | group | instance |
      | 5   | 255 | fw    | *        |

  @RM:infra.net.cfg.005 @RA1:inf.nw.04
  Scenario: Removing an instance stops its function, and its group carries new flows on the instances left
    When the service function instance "fw-2" is removed
    And the updated chain spec is applied
    And a udp probe goes from "10.9.9.9" port 7002 to "198.51.100.9" port 53
    Then the probe is delivered through exactly:
      | spi | si  | group | instance |
      | 5   | 255 | fw    | fw-1     |
      | 5   | 254 | rt    | rt-1     |

  @RM:infra.net.cfg.005 @RA1:inf.nw.04 @RM:pas.lb.001 @RA2:ra2.plat.004
  Scenario: Adding an instance to a group scales it out without moving existing flows
    When the service function instances are added:
      | instance | function | group |
      | fw-3     | firewall | fw    |
    And the updated chain spec is applied
    Then every udp flow from "10.9.0.1" to "198.51.100.9" port 53 is delivered by the same instance of group "fw" again
    And no chained instance dropped a packet
    When 300 udp flows from "10.8.0.1" to "198.51.100.9" port 53 are probed at group "fw"
    Then instances "fw-1,fw-2,fw-3" each took an equal share of the flows within 35 %
