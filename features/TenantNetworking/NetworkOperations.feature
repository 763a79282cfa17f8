@area:tenant-networks
Feature: Creating, updating and deleting tenant networks is fast, and each change is in force when the call returns
  A tenant creates, updates and deletes an internal network, and an operator an external (provider) network, through
  the target's network service (Neutron on OpenStack). Each call is timed from the request until the network is usable
  (or gone), and compared with the profile's figure in features/targets: RM e.man-pm.006 (create an internal network),
  e.man-pm.008 (update it), e.man-pm.007 (delete it), e.man-pm.009/011/010 (the same for an external network). The RM
  names these metrics without values; the figures say where theirs come from. A fast answer is worth nothing if the
  change is not in force, so each step also checks it through the data plane or the API: a new network carries a
  probe between two compute nodes, a lowered MTU drops the next oversized frame and passes a smaller one, a deleted
  network is no longer listed and takes no port; a new external network is visible to other tenants and carries
  their routers' source-NAT traffic, an updated one shows its new MTU, a deleted one is gone.

  Background:
    Given projects "tenant-a,operator"

  @RM:e.man-pm.006 @RM:e.man-pm.007 @RM:e.man-pm.008
  Scenario: An internal network is created, updated and deleted within the time limits, each change in force at once
    When project "tenant-a" creates internal network "net1" with subnet "10.10.0.0/24"
    Then the creation of network "net1" took at most "tenant_networking.internal_create_max_ms"
    Given port "a1" of project "tenant-a" on network "net1" on the first compute node
    And port "a2" of project "tenant-a" on network "net1" on the second compute node
    Then port "a1" reaches port "a2" and gets the reply
    When project "tenant-a" sets the MTU of network "net1" to 1200
    Then the update of network "net1" took at most "tenant_networking.internal_update_max_ms"
    And a udp probe with 1200 payload bytes is dropped as ExceedsMtu and one with 1000 is delivered, from port "a1" to port "a2"
    When project "tenant-a" deletes network "net1" with its ports
    Then the deletion of network "net1" took at most "tenant_networking.internal_delete_max_ms"
    And network "net1" is no longer listed for project "tenant-a" and takes no port

  @RM:e.man-pm.009 @RM:e.man-pm.010 @RM:e.man-pm.011
  Scenario: An external network is created, updated and deleted within the time limits, and tenants use it at once
    When project "operator" creates external network "public" with subnet "203.0.113.0/24"
    Then the creation of network "public" took at most "tenant_networking.external_create_max_ms"
    And project "tenant-a" lists network "public" as ACTIVE with MTU 1500
    Given project "tenant-a" has internal network "net1" with subnet "10.11.0.0/24"
    And port "a1" of project "tenant-a" on network "net1" on the first compute node
    And project "tenant-a" has router "r1" on networks "net1" with its gateway on "public"
    When a udp probe goes from port "a1" to "198.51.100.10" port 53
    Then on network "public" the probe came from the gateway address of router "r1" with valid checksums, and the reply reached port "a1" at its own address and port
    When project "operator" sets the MTU of network "public" to 1400
    Then the update of network "public" took at most "tenant_networking.external_update_max_ms"
    And project "tenant-a" lists network "public" as ACTIVE with MTU 1400
    When project "tenant-a" deletes router "r1"
    And project "operator" deletes network "public" with its ports
    Then the deletion of network "public" took at most "tenant_networking.external_delete_max_ms"
    And network "public" is no longer listed for project "tenant-a" and takes no port
