@area:security
Feature: Tenants' networks are isolated from each other and from the underlay; trust between tenants is explicit
  Each project is its own trust domain. RM e.man.004 (tenants' resources isolated) and sec.ci.008 (tenant networks
  segregated): two tenants use the same prefix and even the same address; a probe to that address reaches the
  sender's own tenant's workload, on its own network's VNI, and the other tenant's workload with the same address
  counts no received frame. RM sec.sys.008 (distinct trust domains, cross-domain traffic denied by default): another
  project cannot even attach to a tenant's network; and RM sec.sys.009 (trust relationships can be created): once the
  owner shares the network (a Neutron RBAC policy), the other project can attach, yet its workload still receives
  nothing from the first tenant until it admits that tenant's address in its own security group. RM sec.sys.005
  (underlay and overlay kept separate): the tunnel frames are addressed only between the nodes' underlay addresses,
  and no node's underlay address can be reached from a tenant network, even through a router with an external
  gateway.

  Background:
    Given projects "tenant-a,tenant-b"

  @RM:e.man.004 @RM:sec.ci.008
  Scenario: Two tenants with the same prefix and address never see each other's traffic
    Given project "tenant-a" has internal network "net-a" with subnet "10.70.0.0/24"
    And project "tenant-b" has internal network "net-b" with subnet "10.70.0.0/24"
    And port "a1" of project "tenant-a" on network "net-a" on the first compute node
    And port "a2" of project "tenant-a" on network "net-a" on the second compute node
    And port "b2" of project "tenant-b" on network "net-b" on the second compute node with the address of port "a2"
    When a udp probe goes from port "a1" to "a2" port 5001
    Then the probe reached port "a2" on its own network's VNI, and port "b2" with the same address received nothing

  @RM:sec.sys.008 @RM:sec.sys.009
  Scenario: Another tenant can use a network only once it is shared, and receives from it only what it admits
    Given project "tenant-a" has internal network "net-a" with subnet "10.71.0.0/24"
    And port "a1" of project "tenant-a" on network "net-a" on the first compute node
    When project "tenant-b" tries to attach a port to network "net-a"
    Then the request is refused as access denied
    When project "tenant-a" shares network "net-a" with project "tenant-b"
    Given port "b1" of project "tenant-b" on network "net-a" on the second compute node
    When a udp probe goes from port "a1" to "b1" port 5001
    Then the probe was dropped as SecurityGroupIngress
    When project "tenant-b" admits udp from the address of port "a1" in its default security group
    And a udp probe goes from port "a1" to "b1" port 5001
    Then the probe was delivered to port "b1" and its reply came back

  @RM:sec.sys.005
  Scenario: Tunnel frames use underlay addresses only, and no underlay address is reachable from a tenant network
    Given projects "operator"
    And project "operator" has external network "public" with subnet "203.0.113.0/24"
    And project "tenant-a" has internal network "net-a" with subnet "10.72.0.0/24"
    And port "a1" of project "tenant-a" on network "net-a" on the first compute node
    And port "a2" of project "tenant-a" on network "net-a" on the second compute node
    And project "tenant-a" has router "r1" on networks "net-a" with its gateway on "public"
    When a udp probe goes from port "a1" to "a2" port 5001
    Then the probe's underlay frames were addressed between node underlay addresses only
    And probes from port "a1" to the underlay address of every node are dropped as UnderlayUnreachable
