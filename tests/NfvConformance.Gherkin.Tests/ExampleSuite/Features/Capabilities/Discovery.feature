@req:NFV-101 @RM:e.cap.001 @example
Feature: Capability discovery
  The emulated host publishes what it has; scenarios check the catalogue.

  Background:
    Given an emulated host named "compute-1"

  Scenario: a host publishes its NICs
    Given the host has 2 NICs with 4 queues each
    When capabilities are discovered
    Then the catalogue lists "sriov" and "dpdk"
    And the host reports 8 queues in total
    And the scenario is traced to requirement "NFV-101"

  @smoke
  Scenario Outline: line rate at <speed> Gbps
    Given a NIC at <speed> Gbps
    Then its 64-byte line rate is <mpps> Mpps

    Examples: ethernet
      | speed | mpps  |
      | 10    | 14.88 |
      | 25    | 37.2  |

  Scenario Outline: a NIC model
    Given the VNF <vnf> is attached to a <nic> NIC
    Then a note says: <note>

    Examples:
      | vnf   | nic   | note                    |
      | vFW-1 | x710  | firewall on the fast NIC |
      | vFW-2 | e810  | firewall on the new NIC  |

  Scenario: flavors from a table
    Given these flavors:
      | Name     | VCpus | Huge Pages |
      | m1.small | 1     | false      |
      | m1.large | 8     | true       |
    And the default flavor is:
      | Field      | Value    |
      | Name       | m1.tiny  |
      | VCpus      | 1        |
      | Huge Pages | false    |
    Then there are 3 flavors with 10 vCPUs in total
