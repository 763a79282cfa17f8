@area:load-balancing
Feature: All fragments of a datagram reach the same member, in any order, over IPv4 and IPv6
  RM pas.lb.011 (RA2 ra2.plat.014) asks for correct handling of IP fragments. Only the first fragment carries the UDP
  ports, so a balancer that hashes each packet's 5-tuple sends the other fragments elsewhere and no member can
  reassemble the datagram. Here 3000-byte UDP datagrams are split into 1200-byte fragments (IPv4 fragment offsets;
  IPv6 Fragment headers) and sent last fragment first, so the balancer sees fragments without ports before the one
  that has them. Each datagram's fragments must all reach one member, which must reassemble the datagram, verify its
  UDP checksum (translated by the balancer across fragments) and answer once; an unfragmented datagram of the same
  flow must reach the same member; and the datagrams must be spread over several members, or keeping fragments
  together would prove nothing.

  Background:
    Given the target has been discovered
    And a load balancer on VIPs "10.63.0.10" and "2001:db8:63::10" in subnet "10.63.0.0/24" of network "tenant-a", zones "az-1,az-2", with 2 instances in nat mode
    And its members:
      | member | pool | address    | address6        | zone | subnet       |
      | udp-1  | udp  | 10.63.0.21 | 2001:db8:63::21 | az-1 | 10.63.0.0/24 |
      | udp-2  | udp  | 10.63.0.22 | 2001:db8:63::22 | az-2 | 10.63.0.0/24 |
      | udp-3  | udp  | 10.63.0.23 | 2001:db8:63::23 | az-2 | 10.63.0.0/24 |
    And its listener "udp-5060" for udp on port 5060 to pool "udp"
    And the load balancer is created

  @RM:pas.lb.011 @RA2:ra2.plat.014
  Scenario Outline: Out-of-order <family> fragments of each datagram reach one member that reassembles it
    Then 20 udp datagrams of 3000 bytes from "<client>" to port 5060, sent as 1200-byte fragments last first, each reach one member whole

    Examples:
      | family | client          |
      | IPv4   | 198.51.100.63   |
      | IPv6   | 2001:db8:100::63 |
