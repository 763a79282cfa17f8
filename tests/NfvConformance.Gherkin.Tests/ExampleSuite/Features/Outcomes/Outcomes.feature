@outcomes
Feature: Outcomes

  Scenario: a pending step
    Given a step that is not written yet

  Scenario: an undefined step
    Given nobody has bound this step with 3 arguments

  @requires:sriov-vf-trust
  Scenario: a capability the host does not publish
    Given an emulated host named "compute-2"

  Scenario: a failing check
    Given an emulated host named "compute-3"
    And the host has 2 NICs with 4 queues each
    Then the host reports 99 queues in total
    And the chain has 2 hops

  Scenario: a skipped scenario
    Given the traffic generator is unavailable
