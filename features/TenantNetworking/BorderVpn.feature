@area:tenant-networks
Feature: Network services provisioned through Neutron are realised by the SDN controller up to the border edge
  RA1 inf.nw.02 asks that SDN controllers can be integrated to provision network services from Neutron, with VTEP to
  border-edge VRF connectivity as its example. The tenant asks the network service (Neutron's networking-bgpvpn API)
  for a BGP VPN to a VRF on the border edge and associates its network with it; the fabric controller behind the
  service must then have programmed every compute node's tunnel endpoint: a probe from a workload on either compute
  node to an address in the VRF is routed on its own node (EVPN symmetric routing) and tunnelled once, straight to the
  border edge, on the VPN's L3 VNI, and arrives in the VRF with its addresses unchanged and TTL one lower. Before the
  association the address is not reachable at all. A service whose API accepts the VPN without a controller that
  programs the nodes fails the check. Not claimed: RA2 inf.ntw.05 (SDN integration of a Kubernetes cluster).

  @RA1:inf.nw.02
  Scenario: A BGP VPN associated with a tenant network reaches the border VRF from every compute node in one hop
    Given the network service provisions the fabric through an SDN controller with a border edge
    And projects "tenant-a"
    And project "tenant-a" has internal network "net1" with subnet "10.120.0.0/24"
    And port "a1" of project "tenant-a" on network "net1" on the first compute node
    And port "a2" of project "tenant-a" on network "net1" on the second compute node
    When a udp probe goes from port "a1" to "192.0.2.10" port 5001
    Then the probe was dropped as NoRoute
    When project "tenant-a" creates BGP VPN "dc-gw" with route target "64512:100" to "192.0.2.0/24" and associates network "net1"
    And a udp probe goes from port "a1" to "192.0.2.10" port 5001
    Then the probe from port "a1" reached the border VRF of BGP VPN "dc-gw": routed on its compute node, one underlay hop straight to the border edge on the VPN's L3 VNI
    When a udp probe goes from port "a2" to "192.0.2.20" port 5001
    Then the probe from port "a2" reached the border VRF of BGP VPN "dc-gw": routed on its compute node, one underlay hop straight to the border edge on the VPN's L3 VNI
