@area:tenant-networks
Feature: Tenant routers translate addresses towards external networks: source NAT and floating IPs
  RM infra.net.cfg.003 asks that network address translation be available. A tenant's router with a gateway on an
  external network translates a workload's outbound traffic to the gateway's address (source NAT with port
  translation); a floating IP maps one workload to an external address in both directions. Each probe's frame as seen
  on the external network must carry the translated source, with IPv4 and L4 checksums still valid (the suite
  recomputes them), and the external host's reply must come back to the workload at its own address and port.
  Unsolicited traffic to the source-NAT address must not reach anyone. Inbound traffic to a floating IP reaches the
  workload's fixed address only where its security group admits it.

  Background:
    Given projects "tenant-a,operator"
    And project "operator" has external network "public" with subnet "203.0.113.0/24"
    And project "tenant-a" has internal network "net1" with subnet "10.50.0.0/24"
    And port "a1" of project "tenant-a" on network "net1" on the first compute node
    And port "a2" of project "tenant-a" on network "net1" on the second compute node
    And project "tenant-a" has router "r1" on networks "net1" with its gateway on "public"

  @RM:infra.net.cfg.003
  Scenario: Outbound UDP is source-translated to the router's gateway address and the reply is translated back
    When a udp probe goes from port "a1" to "198.51.100.10" port 53
    Then on network "public" the probe came from the gateway address of router "r1" with valid checksums, and the reply reached port "a1" at its own address and port

  @RM:infra.net.cfg.003
  Scenario: Unsolicited traffic to the source-NAT address reaches no workload
    When a tcp probe from external host "198.51.100.20" on network "public" goes to the gateway address of router "r1" port 20000
    Then the probe was dropped as NoRoute

  @RM:infra.net.cfg.003
  Scenario: A floating IP translates a workload both ways
    Given port "a2" has a floating IP on network "public"
    And project "tenant-a" has security group "ssh" admitting tcp ports 22-22 from "0.0.0.0/0"
    And port "a2" is only in security group "ssh"
    When a icmp probe goes from port "a2" to "198.51.100.10" port 1
    Then on network "public" the probe came from the floating IP of port "a2" with valid checksums, and the reply reached port "a2" at its own address and port
    When a tcp probe from external host "198.51.100.20" on network "public" goes to the floating IP of port "a2" port 22
    Then the probe reached port "a2" at its fixed address, and the reply left on network "public" from its floating IP
