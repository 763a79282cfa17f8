@area:service-chaining
Feature: A service graph carries traffic leaving one chain into the chain whose classifier it matches
  A service graph (networking-sfc service_graph: source chain to destination chains) joins port chains into an
  acyclic graph, as RM chapter 3 models a chain: traffic leaving the source chain's last hop is matched, as it is
  then, against the destination chains' flow classifiers and continues into the chain that matches, starting that
  chain's own service path (its SPI, service index 255 again); traffic no destination matches leaves the graph. A
  destination chain takes traffic only from its source chain, never straight from the ingress. Probes are single
  real packets traced hop by hop through the target's dataplane, so every hop of the path across the graph is
  asserted with its SPI and SI. Checks RM infra.net.cfg.005 and RA1 inf.nw.04 (service function chaining
  supported: chains composed into a graph) and the gap RM-gap service-function-chaining (a chain abstraction above
  single paths, with per-hop path tracing).

  Background:
    Given the target has been discovered
    And the service function instances:
      | instance | function | group |
      | fw-1     | firewall | fw    |
      | nat-1    | nat44    | nat   |
      | rt-1     | router   | rt    |
    And a flow classifier "edge-in" for any traffic from "10.0.0.0/8"
    And a flow classifier "dns-in" for udp traffic from "0.0.0.0/0" to port 53
    And a flow classifier "web-in" for tcp traffic from "0.0.0.0/0" to port 80
    And a service chain "edge" with id 51 through "fw" classified by "edge-in"
    And a service chain "dns" with id 52 through "nat" classified by "dns-in"
    And a service chain "web" with id 53 through "rt" classified by "web-in"
    And a service graph "edge-graph" linking:
      | from | to      |
      | edge | dns,web |
    And the chain spec is applied

  @RM:infra.net.cfg.005 @RA1:inf.nw.04 @RM-gap:service-function-chaining
  Scenario: Traffic leaving the source chain branches into the destination chain its classifier picks
    When a udp probe goes from "10.1.1.1" port 4000 to "198.51.100.53" port 53
    Then the probe is delivered through exactly:
      | spi | si  | group | instance |
      | 51  | 255 | fw    | fw-1     |
      | 52  | 255 | nat   | nat-1    |
    When a tcp probe goes from "10.1.1.1" port 4001 to "198.51.100.80" port 80
    Then the probe is delivered through exactly:
      | spi | si  | group | instance |
      | 51  | 255 | fw    | fw-1     |
      | 53  | 255 | rt    | rt-1     |
    When a tcp probe goes from "10.1.1.1" port 4002 to "198.51.100.44" port 443
    Then the probe is delivered through exactly:
      | spi | si  | group | instance |
      | 51  | 255 | fw    | fw-1     |

  @RM:infra.net.cfg.005 @RA1:inf.nw.04
  Scenario: A destination chain is entered only from its source chain
    When a udp probe goes from "172.16.0.1" port 4003 to "198.51.100.53" port 53
    Then the probe is delivered without entering any chain
    When a tcp probe goes from "172.16.0.1" port 4004 to "198.51.100.80" port 80
    Then the probe is delivered without entering any chain
