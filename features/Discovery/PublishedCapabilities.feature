@area:discovery
Feature: Published capabilities
  An NFVI tells a VNF what it offers without manual steps: the exposed capabilities of the Anuket Reference
  Model (RM chapter 4, Tables 4-1 and 4-2) with the values the infrastructure profile sets for them.
  Checks: every node publishes the exposed resource capabilities (RM:e.cap.001 to RM:e.cap.005), whose values
  depend on the selected flavour; the performance-optimisation capabilities published by nodes of the run's
  profile meet that profile's catalogue values (CPU pinning RM:e.cap.006, NUMA alignment RM:e.cap.007, SR-IOV
  RM:e.cap.013, accelerated vSwitch RM:e.cap.019, huge pages RM:e.cap.023); and SR-IOV, where published, comes
  with virtual functions a workload can be given.

  Background:
    Given the target has been discovered

  @RM:e.cap.001 @RM:e.cap.002 @RM:e.cap.003 @RM:e.cap.004 @RM:e.cap.005
  Scenario: Every node publishes the exposed resource capabilities
    Then every node publishes these capabilities:
      | uid          |
      | RM:e.cap.001 |
      | RM:e.cap.002 |
      | RM:e.cap.003 |
      | RM:e.cap.004 |
      | RM:e.cap.005 |

  @RM:e.cap.006 @RM:e.cap.007 @RM:e.cap.013 @RM:e.cap.019 @RM:e.cap.023
  Scenario: Performance-optimisation capabilities meet the profile's values
    Then the published values meet the catalogue's values for the run's profile:
      | uid          |
      | RM:e.cap.006 |
      | RM:e.cap.007 |
      | RM:e.cap.013 |
      | RM:e.cap.019 |
      | RM:e.cap.023 |

  @RM:e.cap.013 @requires:RM:e.cap.013
  Scenario: SR-IOV is offered with virtual functions where the target publishes it
    Then at least one node offers "RM:e.cap.013"
    And at least one node offers "sriov"
