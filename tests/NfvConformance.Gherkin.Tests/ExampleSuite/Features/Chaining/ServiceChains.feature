@RA2:ch.001 @example
Feature: Service chains

  Rule: hops run in the configured order

    Background:
      Given an emulated host named "compute-9"

    Scenario: a red chain scheduled in 2 days
      Given the red chain is scheduled in 2 days
      When the chain is configured with:
        """json
        {"hops": ["fw", "nat"]}
        """
      Then the chain has 2 hops
      And the hop order is fw/nat
      * every step so far ran inside step hooks
