@area:service-chaining
Feature: Service function chains steer each flow through its functions in order
  A chain applied through the target's chaining facet (networking-sfc model: port pairs, port pair groups, flow
  classifiers, port chains) must carry a classified flow through exactly its hops, in order, each hop stamped with
  the chain's service path id (SPI) and a service index (SI) counting down from 255 (NSH, RFC 8300); traffic no
  classifier matches must bypass the chains; a symmetric chain must carry replies through the same functions in
  reverse on its reverse path. Probes are single real packets traced hop by hop through the target's dataplane.
  Checks RM infra.net.cfg.005 and RA1 inf.nw.04 (service function chaining supported) and the gap RM-gap
  service-function-chaining (an automatable chain abstraction).

  Background:
    Given the target has been discovered
    And the service function instances:
      | instance | function | group |
      | fw-1     | firewall | fw    |
      | nat-1    | nat44    | nat   |
      | rt-1     | router   | rt    |

  @RM:infra.net.cfg.005 @RA1:inf.nw.04 @RM-gap:service-function-chaining
  Scenario: A classified flow visits every hop of its chain in order, with the chain's SPI and a falling SI
    Given a flow classifier "inside" for udp traffic from "10.0.0.0/8"
    And a service chain "web" with id 7 through "fw,nat,rt" classified by "inside"
    And the chain spec is applied
    When a udp probe goes from "10.1.1.1" port 4000 to "198.51.100.7" port 53
    Then the probe is delivered through exactly:
      | spi | si  | group | instance |
      | 7   | 255 | fw    | fw-1     |
      | 7   | 254 | nat   | nat-1    |
      | 7   | 253 | rt    | rt-1     |

  @RM:infra.net.cfg.005 @RA1:inf.nw.04
  Scenario: Classifiers send each kind of traffic into its own chain and leave the rest alone
    Given a flow classifier "web-in" for tcp traffic from "10.0.0.0/8" to port 80
    And a flow classifier "dns-in" for udp traffic from "10.0.0.0/8" to port 53
    And a service chain "web" with id 10 through "fw,rt" classified by "web-in"
    And a service chain "dns" with id 20 through "nat" classified by "dns-in"
    And the chain spec is applied
    When a tcp probe goes from "10.2.0.1" port 40000 to "198.51.100.80" port 80
    Then the probe is delivered through exactly:
      | spi | si  | group | instance |
      | 10  | 255 | fw    | fw-1     |
      | 10  | 254 | rt    | rt-1     |
    When a udp probe goes from "10.2.0.1" port 40001 to "198.51.100.53" port 53
    Then the probe is delivered through exactly:
      | spi | si  | group | instance |
      | 20  | 255 | nat   | nat-1    |
    When a tcp probe goes from "172.16.0.1" port 40002 to "198.51.100.80" port 80
    Then the probe is delivered without entering any chain

  @RM:infra.net.cfg.005 @RA1:inf.nw.04
  Scenario: A symmetric chain carries replies back through the same functions in reverse order
    Given a flow classifier "app" for tcp traffic from "10.0.0.0/8" to port 443
    And a symmetric service chain "app" with id 30 through "fw,rt" classified by "app"
    And the chain spec is applied
    When a tcp probe goes from "10.3.0.1" port 50000 to "198.51.100.1" port 443
    Then the probe is delivered through exactly:
      | spi | si  | group | instance |
      | 30  | 255 | fw    | fw-1     |
      | 30  | 254 | rt    | rt-1     |
    When the reply of the tcp flow from "10.3.0.1" port 50000 to "198.51.100.1" port 443 is probed
    Then the probe is delivered through exactly:
      | spi   | si  | group | instance |
      | 65566 | 255 | rt    | rt-1     |
      | 65566 | 254 | fw    | fw-1     |

  @RM:infra.net.cfg.005
  Scenario: A service graph that loops back on itself is refused before anything changes
    Given a flow classifier "a-in" for udp traffic from "10.0.0.0/8"
    And a flow classifier "b-in" for tcp traffic from "10.0.0.0/8"
    And a service chain "a" with id 41 through "fw" classified by "a-in"
    And a service chain "b" with id 42 through "rt" classified by "b-in"
    And a service graph "loop" linking:
      | from | to |
      | a    | b  |
      | b    | a  |
    When the chain spec is offered
    Then the chain spec is refused naming "loop"
