@area:service-chaining
Feature: Replies of a flow cross the same function instances as its requests, in reverse
  Stateful functions (firewalls, NAT) only work when a flow's replies come back through the instance that saw its
  requests. A symmetric chain whose groups have several instances spreads flows over them; for every flow, the reply
  probed on the chain's reverse path must cross exactly the request's instances in reverse order, and the flows must
  use more than one instance of the group (one instance carrying everything would be a choke point, and would make
  symmetry trivial). Checks RM infra.net.cfg.006 (traffic flows are symmetric and avoid choke points). Each probe is a
  real packet traced hop by hop through the target's dataplane. Not checked: north-south NAT 1:many (the chaining facet
  does not report translated addresses).

  Background:
    Given the target has been discovered
    And the service function instances:
      | instance | function | group |
      | fw-1     | firewall | fw    |
      | fw-2     | firewall | fw    |
      | fw-3     | firewall | fw    |
      | rt-1     | router   | rt    |
      | rt-2     | router   | rt    |

  @RM:infra.net.cfg.006
  Scenario: Every TCP reply crosses its request's firewall and router instances in reverse
    Given a flow classifier "app" for tcp traffic from "10.0.0.0/8" to port 443
    And a symmetric service chain "app" with id 31 through "fw,rt" classified by "app"
    And the chain spec is applied
    Then the replies of 200 tcp flows from "10.6.0.1" to "198.51.100.6" port 443 cross the same instances in reverse, spread over group "fw"

  @RM:infra.net.cfg.006
  Scenario: Every UDP reply crosses its request's instances in reverse
    Given a flow classifier "dns" for udp traffic from "10.0.0.0/8" to port 53
    And a symmetric service chain "dns" with id 32 through "fw,rt" classified by "dns"
    And the chain spec is applied
    Then the replies of 200 udp flows from "10.7.0.1" to "198.51.100.7" port 53 cross the same instances in reverse, spread over group "rt"
