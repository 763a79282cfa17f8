@area:load-balancing
Feature: The load-balancer service is itself resilient and scales and recovers within its local environment
  RM pas.lb.002 (RA2 ra2.plat.005) asks that a load balancer the platform offers is itself resilient, and RM pas.lb.003
  (RA2 ra2.plat.006) that it scales and recovers within its local environment: its subnet, tenant network and
  availability zones. The target's load-balancer service (ILoadBalancing) runs each load balancer as several
  instances behind an upstream router; here one instance crashes while 200 established TCP connections carry traffic,
  in the target's seeded virtual-time trial (ILoadBalancingSimulation, which only a simulating target offers: the
  scenario requires virtual-time-trials and is not applicable on real gear). Every packet is a real TCP segment sent through the service. A connection
  that lands on another instance must reach the member it had, or its TCP connection breaks: that needs flow state
  shared between instances (active/active with state sync, or a standby with a synchronised table), which is what the
  trial shows. Loss must end at recovery, and recovery must be within RA2 ra2.ntw.022's 5 s.
  Scaling out must add instances in the load balancer's own subnet, network and zones that then carry traffic; when a
  zone fails, the service must replace the lost instances only inside the local environment, say so in its event log,
  and keep serving new connections from the members that survive.

  Background:
    Given the target has been discovered
    And a load balancer on VIP "10.60.0.10" in subnet "10.60.0.0/24" of network "tenant-a", zones "az-1,az-2", with 2 instances in nat mode
    And its members:
      | member | pool | address    | zone | subnet       |
      | web-1  | web  | 10.60.0.21 | az-1 | 10.60.0.0/24 |
      | web-2  | web  | 10.60.0.22 | az-2 | 10.60.0.0/24 |
      | web-3  | web  | 10.60.0.23 | az-2 | 10.60.0.0/24 |
    And its listener "tcp-80" for tcp on port 80 to pool "web"
    And the load balancer is created

  @RM:pas.lb.002 @RA2:ra2.plat.005 @requires:virtual-time-trials
  Scenario: Connections keep their member when a load-balancer instance crashes, and new ones are served
    Then the load balancer runs as at least 2 instances
    When 200 tcp connections carry 20000 packets per second for 500 ms while instance 1 crashes at 100 ms, then 100 new connections open
    Then every connection of the crashed instance kept its member
    And every new connection was served
    And packets at 20000 per second were lost only until recovery, within "load_balancing.failover_max_s"

  @RM:pas.lb.003 @RA2:ra2.plat.006
  Scenario: Scale-out adds capacity in the local environment, and a zone failure is recovered inside it
    When the load balancer scales out by 2 instances
    Then every running instance is in subnet "10.60.0.0/24" of network "tenant-a" and in zones "az-1,az-2"
    And connections from 200 clients to port 80 use every running instance
    When zone "az-1" fails
    Then the load balancer replaced its instances of zone "az-1" and reported its recovery within "load_balancing.zone_recovery_max_s"
    And every running instance is in subnet "10.60.0.0/24" of network "tenant-a" and in zones "az-1,az-2"
    And 100 new connections to port 80 are served by members in zone "az-2" through running instances
