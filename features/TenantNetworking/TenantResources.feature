@area:tenant-networks
Feature: Tenants see their own resources, usage and notifications, tag them, and get storage
  RM e.man.006 asks that allocated virtual resources be reported per tenant, and sec.ci.006 that a workload's resource
  usage, network I/O included, be visible only to its owner: the usage report of a project counts exactly what it
  created, its ports' counters grow by exactly the frames and bytes of the probes sent (the suite counts them from the
  probes' own frames), and another project asking for that report is refused. RM e.man.007 asks for notifications
  when allocated resources change state: every create, update and delete is notified to the owning project, in order,
  with the resource's new state, and to no other project. RA1 vim.08 asks for resource tagging: networks and ports take
  tags, and listing networks by all, any or none of the tags gives exactly the matching ones. RM e.man.002 asks that
  virtual storage can be allocated to a workload: a volume is created from the pool (its allocation grows by the
  size), attached to a port's workload, written and read back byte for byte, detached and deleted (the pool gets its
  capacity back).

  Background:
    Given projects "tenant-a,tenant-b"

  @RM:e.man.006 @RM:sec.ci.006
  Scenario: A project's usage counts its resources and traffic exactly, and no other project may read it
    Given project "tenant-a" has internal network "net1" with subnet "10.100.0.0/24"
    And port "a1" of project "tenant-a" on network "net1" on the first compute node
    And port "a2" of project "tenant-a" on network "net1" on the second compute node
    Then the usage of project "tenant-a" shows 1 networks, 1 subnets, 2 ports and 0 volumes
    And after 5 udp probes with 100 payload bytes from port "a1" to port "a2", both ports' usage counters grew by exactly those frames and bytes
    When project "tenant-b" asks for the usage of project "tenant-a"
    Then the request is refused as access denied

  @RM:e.man.007
  Scenario: Every change of a project's resources is notified to it, in order, with the new state, and to no one else
    Given the notifications of projects "tenant-a,tenant-b" were read
    When project "tenant-a" creates internal network "net1" with subnet "10.101.0.0/24"
    Given port "a1" of project "tenant-a" on network "net1" on the first compute node
    When project "tenant-a" sets the MTU of network "net1" to 1400
    And project "tenant-a" deletes network "net1" with its ports
    Then project "tenant-a" was notified, in order, of:
      | event              | status  |
      | network.create.end | ACTIVE  |
      | subnet.create.end  | ACTIVE  |
      | port.create.end    | ACTIVE  |
      | network.update.end | ACTIVE  |
      | port.delete.end    | DELETED |
      | subnet.delete.end  | DELETED |
      | network.delete.end | DELETED |
    And project "tenant-b" was notified of nothing

  @RA1:vim.08
  Scenario: Networks and ports take tags, and listing by tags finds exactly the matching networks
    Given project "tenant-a" has internal network "core" with subnet "10.102.0.0/24"
    And project "tenant-a" has internal network "edge" with subnet "10.103.0.0/24"
    And project "tenant-a" has internal network "lab" with subnet "10.104.0.0/24"
    And port "a1" of project "tenant-a" on network "core" on the first compute node
    And "core" is tagged "prod,5g-core"
    And "edge" is tagged "prod,ran"
    And "a1" is tagged "upf"
    Then listing the networks of project "tenant-a" by tags gives:
      | filter | tags         | networks  |
      | all    | prod,5g-core | core      |
      | all    | prod         | core,edge |
      | any    | ran,5g-core  | core,edge |
      | not    | prod         | lab       |
      | all    | upf          | none      |

  @RM:e.man.002
  Scenario: A volume is allocated from the pool to a workload, used, and returned
    Given project "tenant-a" has internal network "net1" with subnet "10.105.0.0/24"
    And port "a1" of project "tenant-a" on network "net1" on the first compute node
    When project "tenant-a" creates a 20 GiB volume "db"
    Then volume "db" attached to the workload of port "a1" returns the 65536 bytes written at offset 1048576
    And the usage of project "tenant-a" shows 1 networks, 1 subnets, 1 ports and 1 volumes
    And after volume "db" is detached and deleted the pool's allocation is what it was before
