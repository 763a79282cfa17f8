@area:load-balancing
Feature: Instances of one VNF share its traffic, keep each flow, and take over from a crashed instance
  A port pair group with several instances of one function spreads new flows over them on the L3/L4 5-tuple
  (RM pas.lb.004) in an equal round-robin share (RM pas.lb.005) for UDP (pas.lb.010), keeps every TCP flow on
  the instance it started on (stateful balancing, pas.lb.009), and when an instance crashes detects it
  (endpoint health, pas.lb.007) and moves its flows to the others, losing packets only until then, within the
  failover figure (RA2 ra2.ntw.022: 5 s). This is the spreading over VNF instances that RM-gap load-balancing
  finds missing. Shares and stickiness are measured with real probe packets; the crash runs in the target's
  virtual-time chain trial, which counts each lost packet and the time to recover. RA2 repeats these RM rows for a
  load balancer the platform offers (ra2.plat.007 L3/L4, ra2.plat.008 round-robin, ra2.plat.010 endpoint monitoring,
  ra2.plat.012 stateful TCP, ra2.plat.013 UDP; the catalogue relates each to its RM row, pas.lb.004-010), so each
  scenario carries the RA2 uid of the RM row it checks.

  Background:
    Given the target has been discovered
    And the service function instances:
      | instance | function | group |
      | fw-1     | firewall | fw    |
      | fw-2     | firewall | fw    |
      | fw-3     | firewall | fw    |
      | rt-1     | router   | rt    |

  @RM:pas.lb.004 @RM:pas.lb.005 @RM:pas.lb.010 @RA2:ra2.plat.007 @RA2:ra2.plat.008 @RA2:ra2.plat.013 @RM-gap:load-balancing
  Scenario: Three instances share 3000 UDP flows equally within 10 %
    Given a flow classifier "inside" for udp traffic from "10.0.0.0/8"
    And a service chain "lb" with id 60 through "fw,rt" classified by "inside"
    And the chain spec is applied
    When 3000 udp flows from "10.4.0.1" to "198.51.100.4" port 53 are probed at group "fw"
    Then instances "fw-1,fw-2,fw-3" each took an equal share of the flows within 10 %

  @RM:pas.lb.009 @RM:pas.lb.004 @RA2:ra2.plat.012 @RA2:ra2.plat.007
  Scenario: Every TCP flow stays on the instance it started on
    Given a flow classifier "inside" for tcp traffic from "10.0.0.0/8"
    And a service chain "lb" with id 61 through "fw,rt" classified by "inside"
    And the chain spec is applied
    And 500 tcp flows from "10.5.0.1" to "198.51.100.5" port 443 were probed at group "fw"
    Then every tcp flow from "10.5.0.1" to "198.51.100.5" port 443 is delivered by the same instance of group "fw" again
    And no chained instance dropped a packet

  @RM:pas.lb.007 @RA2:ra2.plat.010 @RA2:ra2.ntw.022 @requires:virtual-time-trials
  Scenario: A crashed instance's flows move to the others, with the loss and recovery time measured
    Given a flow classifier "inside" for udp traffic from "10.0.0.0/8"
    And a service chain "lb" with id 62 through "fw,rt" classified by "inside"
    And the chain spec is applied
    When chain "lb" carries 100000 pps of 300 flows for 300 ms while instance "fw-2" crashes at 100 ms
    Then the flows of "fw-2" fail over, losing packets only until recovery within "load_balancing.failover_max_s"
