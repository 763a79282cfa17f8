@area:security
Feature: Security groups filter each workload's traffic, statefully
  RM infra.net.cfg.004 asks for security groups (ingress and egress rule sets) and RM sec.sys.002 for traffic
  filtering for workloads. A new group, as in Neutron, allows all egress and no ingress. Real probes between two
  workloads show the rules at work on the frames: an ingress rule for TCP port 80 admits a probe to port 80 and
  nothing else (port 81 is dropped by the destination's ingress filter, never seen by its workload), and the reply
  to an admitted probe reaches a sender whose own group admits no ingress at all, because the filter tracks the
  connection. Without a rule, the default is deny. Egress is a rule set too: once a group's allow-all egress rules are
  replaced by one rule for UDP port 53, its workload's TCP probe is dropped at its own port, the DNS probe passes, and
  its reply comes back.

  Background:
    Given projects "tenant-a"
    And project "tenant-a" has internal network "net1" with subnet "10.60.0.0/24"
    And port "client" of project "tenant-a" on network "net1" on the first compute node
    And port "server" of project "tenant-a" on network "net1" on the second compute node
    And project "tenant-a" has security group "clients" with no ingress rule
    And port "client" is only in security group "clients"

  @RM:infra.net.cfg.004 @RM:sec.sys.002
  Scenario: With no ingress rule a workload receives nothing
    Given project "tenant-a" has security group "closed" with no ingress rule
    And port "server" is only in security group "closed"
    When a tcp probe goes from port "client" to "server" port 80
    Then the probe was dropped as SecurityGroupIngress

  @RM:infra.net.cfg.004 @RM:sec.sys.002
  Scenario: An ingress rule admits exactly its port, and the reply returns through the connection state
    Given project "tenant-a" has security group "web" admitting tcp ports 80-80 from "10.60.0.0/24"
    And port "server" is only in security group "web"
    When a tcp probe goes from port "client" to "server" port 80
    Then the probe was delivered to port "server" and its reply came back
    When a tcp probe goes from port "client" to "server" port 81
    Then the probe was dropped as SecurityGroupIngress
    When a udp probe goes from port "client" to "server" port 80
    Then the probe was dropped as SecurityGroupIngress

  @RM:infra.net.cfg.004 @RM:sec.sys.002
  Scenario: An egress rule set lets a workload send only what it allows
    Given project "tenant-a" has security group "servers" admitting tcp ports 1-65535 from "10.60.0.0/24"
    And port "server" is only in security group "servers"
    And security group "clients" lets out only udp ports 53-53 to "10.60.0.0/24"
    When a tcp probe goes from port "client" to "server" port 80
    Then the probe was dropped as SecurityGroupEgress
    When a udp probe goes from port "client" to "server" port 53
    Then the probe was dropped as SecurityGroupIngress
    Given project "tenant-a" has security group "dns" admitting udp ports 53-53 from "10.60.0.0/24"
    And port "server" is only in security group "dns"
    When a udp probe goes from port "client" to "server" port 53
    Then the probe was delivered to port "server" and its reply came back
