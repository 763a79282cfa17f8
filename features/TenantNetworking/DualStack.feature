@area:tenant-networks
Feature: Tenant networks and workloads are dual-stack
  RA1 inf.nw.16 asks for dual-stack IPv4/IPv6 tenant networks and workloads. A tenant network takes an IPv4 and an
  IPv6 subnet, and each port on it gets an address from both. Probes over each family between workloads on two
  compute nodes, and over IPv6 through the tenant's router to another network, are delivered and answered; the suite
  decodes the frames at both ports and checks they are IPv6 between the ports' own IPv6 addresses. Not
  claimed: RA1 inf.nw.17 (dual stack on infrastructure-internal networks), as the underlay here is
  IPv4 only.

  @RA1:inf.nw.16
  Scenario: Dual-stack ports reach each other over IPv4 and IPv6, on the link and through the router
    Given projects "tenant-a"
    And project "tenant-a" has internal network "net1" with subnet "10.110.0.0/24,fd00:110::/64"
    And project "tenant-a" has internal network "net2" with subnet "10.111.0.0/24,fd00:111::/64"
    And project "tenant-a" has router "r1" on networks "net1,net2"
    And port "a1" of project "tenant-a" on network "net1" on the first compute node
    And port "a2" of project "tenant-a" on network "net1" on the second compute node
    And port "c1" of project "tenant-a" on network "net2" on the second compute node
    When a udp probe goes from port "a1" to "a2" port 5001
    Then the probe was delivered to port "a2" and its reply came back
    When a udp probe over IPv6 goes from port "a1" to "a2" port 5001
    Then the probe was delivered to port "a2" and its reply came back
    And the probe and its reply were IPv6 between the IPv6 addresses of ports "a1" and "a2"
    When a icmp probe over IPv6 goes from port "a1" to "c1" port 1
    Then the probe was delivered to port "c1" and its reply came back
    And the probe and its reply were IPv6 between the IPv6 addresses of ports "a1" and "c1"
