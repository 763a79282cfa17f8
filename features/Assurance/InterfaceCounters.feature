@area:assurance
Feature: Interface counters of chained instances count exactly the packets and octets that crossed them
  The target exposes, for every instance (port pair) of an applied chain, counters of packets and octets received on
  its interface and of packets discarded there. Probes are single real packets traced hop by hop; the trace says
  which instances each one crossed, so the counters must grow by exactly that many packets, by a whole number of
  frames of one size no smaller than the probe's headers (Ethernet 14 + IPv4 20 + UDP 8 or TCP 20 bytes), and the
  discard counter not at all when every probe was delivered. An instance no probe crossed must count nothing. Checks
  RM i.pm.005 (packets sent/received on a virtual interface), i.pm.006 (octets in those packets) and RM e.man.008 (the
  performance data of allocated resources is collected and exposed). Not checked: RM i.pm.007 and i.pm.008 (discards
  and errors), because the chaining facet offers no way to make an instance discard or corrupt a probed packet, so a
  discard counter that never moves could not be told from a correct one.

  Background:
    Given the target has been discovered
    And the service function instances:
      | instance | function | group |
      | fw-1     | firewall | fw    |
      | fw-2     | firewall | fw    |
      | nat-1    | nat44    | nat   |
      | rt-1     | router   | rt    |

  @RM:i.pm.005 @RM:i.pm.006 @RM:e.man.008
  Scenario: UDP probes through a two-instance group move only the counters of the instances they crossed
    Given a flow classifier "inside" for udp traffic from "10.0.0.0/8"
    And a service chain "count" with id 70 through "fw,rt" classified by "inside"
    And the chain spec is applied
    And the chained instances' interface counters were read
    When 250 udp probes go from "10.11.0.1" to "198.51.100.11" port 53, each traced
    Then each instance's packet, octet and discard counters grew by exactly the traced probes of at least 42 bytes

  @RM:i.pm.005 @RM:i.pm.006
  Scenario: TCP probes are counted at every hop of a three-hop chain, and only there
    Given a flow classifier "web" for tcp traffic from "10.0.0.0/8" to port 80
    And a flow classifier "dns" for udp traffic from "10.0.0.0/8" to port 53
    And a service chain "web" with id 71 through "fw,nat,rt" classified by "web"
    And a service chain "dns" with id 72 through "nat" classified by "dns"
    And the chain spec is applied
    And the chained instances' interface counters were read
    When 120 tcp probes go from "10.12.0.1" to "198.51.100.12" port 80, each traced
    Then each instance's packet, octet and discard counters grew by exactly the traced probes of at least 54 bytes
