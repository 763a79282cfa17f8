@area:load-balancing
Feature: Direct Server Return: the load balancer rewrites only the MAC and replies bypass it
  RM pas.lb.008 (RA2 ra2.plat.011) asks for Direct Server Return. In L2 DSR the load balancer forwards the client's
  frame to a member on its own subnet by rewriting only the Ethernet header; the IP packet still carries the VIP as
  destination, which the member holds on a loopback interface, so the member answers from the VIP and sends the
  reply to the router, never through the load balancer. The scenario compares, byte for byte, the frame each member
  received with the frame the client sent, and checks every reply's addresses and the instance it crossed (none). A
  load balancer that translates the address (NAT) fails both checks: the member sees its own address and answers
  from it.

  Background:
    Given the target has been discovered
    And a load balancer on VIP "10.62.0.10" in subnet "10.62.0.0/24" of network "tenant-a", zones "az-1,az-2", with 2 instances in dsr mode
    And its members:
      | member | pool | address    | zone | subnet       |
      | dns-1  | dns  | 10.62.0.21 | az-1 | 10.62.0.0/24 |
      | dns-2  | dns  | 10.62.0.22 | az-2 | 10.62.0.0/24 |
      | dns-3  | dns  | 10.62.0.23 | az-2 | 10.62.0.0/24 |
    And its listener "dns-udp" for udp on port 53 to pool "dns"
    And its listener "dns-tcp" for tcp on port 53 to pool "dns"
    And the load balancer is created

  @RM:pas.lb.008 @RA2:ra2.plat.011
  Scenario Outline: <protocol> flows are forwarded by MAC rewrite and answered straight from the VIP
    When 30 <protocol> flows from different clients reach port 53
    Then each member received the client's frame with only the destination MAC rewritten to its own
    And each reply went from the member straight to the client with the VIP as source, bypassing the load balancer

    Examples:
      | protocol |
      | udp      |
      | tcp      |
