@area:discovery
Feature: Capability queries
  A VIM or orchestrator discovers what the infrastructure offers through an API, not by reading documents
  (RA1 vim.03 and int.api.08: discover and manage infrastructure resources through the Placement-like API).
  Checks: a query by capability returns, node by node, the value the discovery snapshot shows, and a query for
  offered values names exactly the nodes that offer it (RA1:vim.03, RA1:int.api.08); every node states the one
  profile it serves, so workloads can be steered to it (RA2:ra2.k8s.011); a high-performance target also serves the
  basic profile, on other hardware and CPU types (RA1:inf.com.07, RA1:inf.com.04); the published values of the
  acceleration and networking capabilities meet the catalogue's values for the run's profile (RM Table 4-2 and
  4-13 entries listed in the scenario).

  Background:
    Given the target has been discovered

  @RA2:ra2.k8s.011
  Scenario: Every node states the profile it serves
    Then every node states its profile

  @RA1:inf.com.07 @RA1:inf.com.04 @profile:high-performance
  Scenario: A high-performance target also offers basic-profile nodes, on other CPU types
    Then the target offers nodes of at least 2 profiles
    And the nodes of different profiles run different CPU types

  @RA1:vim.03 @RA1:int.api.08
  Scenario Outline: A query for <uid> agrees with what every node publishes
    Then a query for "<uid>" returns the value each node publishes
    And a query for nodes offering "<uid>" names exactly those nodes

    Examples:
      | uid          |
      | RM:e.cap.006 |
      | RM:e.cap.007 |
      | RM:e.cap.008 |
      | RM:e.cap.009 |
      | RM:e.cap.013 |
      | RM:e.cap.015 |
      | RM:e.cap.019 |
      | RM:e.cap.023 |
      | RM:e.cap.025 |

  @RM:e.cap.008 @RM:e.cap.009 @RM:e.cap.010 @RM:e.cap.011 @RM:e.cap.014 @RM:e.cap.015 @RM:e.cap.016 @RM:e.cap.025 @RM:i.cap.017
  Scenario: Acceleration and networking capabilities meet the profile's values
    Then the published values meet the catalogue's values for the run's profile:
      | uid          |
      | RM:e.cap.008 |
      | RM:e.cap.009 |
      | RM:e.cap.010 |
      | RM:e.cap.011 |
      | RM:e.cap.014 |
      | RM:e.cap.015 |
      | RM:e.cap.016 |
      | RM:e.cap.025 |
      | RM:i.cap.017 |
