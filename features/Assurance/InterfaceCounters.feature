@area:assurance
Feature: Interface counters of chained instances count exactly the packets and octets that crossed them
  The target exposes, for every instance (port pair) of an applied chain, counters of packets and octets received on
  its interface, and of packets discarded there and received in error, by reason. Probes are single real packets
  traced hop by hop; the trace says which instances each one crossed, so the counters must grow by exactly that many
  packets, by a whole number of frames of one size no smaller than the probe's headers (Ethernet 14 + IPv4 20 + UDP 8
  or TCP 20 bytes), and the discard counter not at all when every probe was delivered. An instance no probe crossed
  must count nothing. Checks RM i.pm.005 (packets sent/received on a virtual interface), i.pm.006 (octets in those
  packets) and RM e.man.008 (the performance data of allocated resources is collected and exposed).

  Discards and errors are provoked, never assumed: RM i.pm.008 (packets received in error) with probes a tester's
  generator can send on real gear, a wrong IPv4 header checksum, a frame cut short of its IPv4 total length, and a
  wrong UDP checksum (which only a function that verifies L4 checksums can see, here the stateful firewall, as Linux
  conntrack does); RM i.pm.007 (packets discarded) with an expiring TTL at the router, the router's link set
  administratively down, and a paused instance whose receive queue fills (what `docker pause` or `openstack server
  pause` does to a VNF's vNIC). Each scenario sends well-formed probes alongside, so a counter that counts everything
  (or nothing) fails; the counters must grow by exactly the numbers in the table, and every dropped probe, whose
  trace names the instance and the reason, must be counted once there under that reason. Well-formed probes are
  counted as packets; a frame in error or discarded at the interface is not (RFC 2863), while a frame the function
  received and then dropped (TTL, L4 checksum) is counted as received and as dropped, as VPP counts per interface.

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

  @RM:i.pm.008
  Scenario: Frames with a bad IPv4 checksum, truncated or with a bad UDP checksum are errors at the instance that receives them
    Given a flow classifier "inside" for udp traffic from "10.0.0.0/8"
    And a service chain "errors" with id 73 through "fw,rt" classified by "inside"
    And the chain spec is applied
    And the chained instances' discard and error counters were read
    When 25 udp probes go from "10.13.0.1" to "198.51.100.13" port 53 with "well-formed"
    And 30 udp probes go from "10.13.0.1" to "198.51.100.13" port 53 with "a bad IPv4 header checksum"
    And 20 udp probes go from "10.13.0.1" to "198.51.100.13" port 53 with "a truncated frame"
    And 10 udp probes go from "10.13.0.1" to "198.51.100.13" port 53 with "a bad L4 checksum"
    Then the interface counters grew by exactly:
      | group | packets | discards | errors |
      | fw    | 35      | 0        | 60     |
      | rt    | 25      | 0        | 0      |
    And every dropped probe was counted once, at the instance and under the reason its trace names

  @RM:i.pm.007
  Scenario: An expiring TTL and a link set administratively down are discards at the router, and only there
    Given a flow classifier "inside" for udp traffic from "10.0.0.0/8"
    And a service chain "discards" with id 74 through "nat,rt" classified by "inside"
    And the chain spec is applied
    And the chained instances' discard and error counters were read
    When 20 udp probes go from "10.14.0.1" to "198.51.100.14" port 53 with "well-formed"
    And 12 udp probes go from "10.14.0.1" to "198.51.100.14" port 53 with "TTL 1"
    And the link of instance "rt-1" is set administratively down
    And 15 udp probes go from "10.14.0.1" to "198.51.100.14" port 53 with "well-formed"
    And the link of instance "rt-1" is set up again
    And 5 udp probes go from "10.14.0.1" to "198.51.100.14" port 53 with "TTL 2"
    Then the interface counters grew by exactly:
      | instance | packets | discards | errors |
      | nat-1    | 52      | 0        | 0      |
      | rt-1     | 37      | 27       | 0      |
    And every dropped probe was counted once, at the instance and under the reason its trace names

  @RM:i.pm.007
  Scenario: A paused instance queues what its receive queue holds, discards the rest, and forwards the queue once it runs again
    Given a flow classifier "inside" for udp traffic from "10.0.0.0/8"
    And a service chain "paused" with id 75 through "nat,rt" classified by "inside"
    And the chain spec is applied
    And the chained instances' discard and error counters were read
    When instance "nat-1" is paused and receives 40 udp probes more than its receive queue holds, from "10.15.0.1" to "198.51.100.15" port 53
    Then it discarded exactly the extra probes as rx_queue_full, and once running again received all it had queued and passed them to "rt-1"
