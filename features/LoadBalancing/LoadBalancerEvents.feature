@area:load-balancing
Feature: The load-balancer service logs events with RFC 5424 severity levels
  RM pas.lb.006 (RA2 ra2.plat.009) asks for event logs with severity levels. Events are caused for real: a member's
  service stops, so the load balancer's health monitor (a TCP connect to the member) fails three probes and marks it
  down; it comes back and passes two; a load-balancer instance crashes and its traffic fails over; the load balancer
  scales out (a configuration change). Each must appear in the service's log, in order, with a severity that tells them
  apart (a member lost is an error, its return a notice, an instance crash critical, the failover a warning), and every
  entry must be a well-formed RFC 5424 message whose PRI, MSGID and timestamp agree with the entry. A log that gives
  every event the same severity fails.

  Background:
    Given the target has been discovered
    And a load balancer on VIP "10.61.0.10" in subnet "10.61.0.0/24" of network "tenant-a", zones "az-1,az-2", with 2 instances in nat mode
    And its members:
      | member | pool | address    | zone | subnet       |
      | web-1  | web  | 10.61.0.21 | az-1 | 10.61.0.0/24 |
      | web-2  | web  | 10.61.0.22 | az-2 | 10.61.0.0/24 |
    And its listener "tcp-80" for tcp on port 80 to pool "web"
    And the load balancer is created

  @RM:pas.lb.006 @RA2:ra2.plat.009
  Scenario: Member health, instance failover and a configuration change are logged with their severities
    When member "web-2" stops serving and the health monitor runs
    And member "web-2" serves again and the health monitor runs
    And load-balancer instance 2 crashes
    And the load balancer scales out by 1 instances
    Then the event log holds, in order, as RFC 5424 messages:
      | kind              | subject       | severity |
      | config-change     | load balancer | notice   |
      | member-down       | web-2         | error    |
      | member-up         | web-2         | notice   |
      | instance-down     | instance 2    | critical |
      | instance-failover | instance 2    | warning  |
      | config-change     | instance 3    | notice   |
