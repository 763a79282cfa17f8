@area:security
Feature: A flood from one tenant does not cost another tenant's traffic
  RM sec.sys.010 asks that an attack on one untrusted domain cannot affect others, directly or indirectly. The
  indirect way is resource exhaustion: one tenant floods a compute node's uplink at three times its capacity while
  another tenant's workload on the same node sends at a tenth of it. Every frame is real and goes through the same
  path as a probe (security groups, encapsulation, encryption, delivery); the uplink is shared. The victim's loss must
  stay within the figure (none), and the flood must really have overloaded the uplink (it lost frames to full
  queues), or the check would show nothing.

  @RM:sec.sys.010 @requires:virtual-time-trials
  Scenario: A tenant sending at a tenth of the uplink loses nothing while another floods it threefold
    Given projects "victim,attacker"
    And project "victim" has internal network "net-v" with subnet "10.90.0.0/24"
    And project "attacker" has internal network "net-x" with subnet "10.91.0.0/24"
    And port "v1" of project "victim" on network "net-v" on the first compute node
    And port "v2" of project "victim" on network "net-v" on the second compute node
    And port "x1" of project "attacker" on network "net-x" on the first compute node
    And port "x2" of project "attacker" on network "net-x" on the second compute node
    When project "attacker" floods from port "x1" to port "x2" at 3.0 times the uplink while project "victim" sends from port "v1" to port "v2" at 0.1 of it
    Then the flood overloaded the uplink, and the other project's flow lost at most "tenant_networking.noisy_neighbour_victim_loss_max_percent"
