@area:assurance
Feature: A monitoring workload passively observes the traffic of a chain
  A port pair group marked tap-enabled (networking-sfc tap_enabled) receives a copy of every packet of the chain at
  its position while the original goes on: the monitoring instance sees the L2-L7 traffic, but it is not on the
  packet's path, so it can neither change nor drop what it observes. Probes are real packets traced hop by hop; the
  trace shows the path without the tap, and the tap instance's interface counters must show every probe, with the
  same octets as an instance on the path carried. Checks RM e.cap.017 (a workload can passively observe its L2-L7
  traffic; the RM asks for it on network-intensive and not on basic, and the scenario checks it on any target that
  offers chaining). Not checked: the security policy that may restrict such observation (the facet models none).

  Background:
    Given the target has been discovered
    And the service function instances:
      | instance | function | group |
      | fw-1     | firewall | fw    |
      | mon-1    | wire     | mon   |
      | rt-1     | router   | rt    |

  @RM:e.cap.017
  Scenario: A tap instance sees every packet of the chain without being on its path
    Given a flow classifier "inside" for udp traffic from "10.0.0.0/8"
    And a service chain "watched" with id 80 through "fw,mon,rt" classified by "inside"
    And group "mon" only taps the traffic
    And the chain spec is applied
    And the chained instances' interface counters were read
    When 150 udp probes go from "10.13.0.1" to "198.51.100.13" port 53, each traced
    Then tap instance "mon-1" observed every probe byte for byte as "rt-1" carried it, without being on its path
