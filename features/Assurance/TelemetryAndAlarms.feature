@area:assurance
Feature: Streaming telemetry and alarms on port faults
  RA1:asr.mon.04 asks the fabric and its network OS to give operational visibility through alarms and streaming
  telemetry. Checks: an ON_CHANGE subscription (gNMI style, OpenConfig paths) first receives the current
  oper-status of every port of the profile's nodes, as discovery reports them; taking one of a node's redundant
  links down streams the port's oper-status DOWN and raises a Major alarm for that port (Major: the node keeps
  another link; the last link would be Critical); bringing it back streams UP and clears the alarm.

  Background:
    Given the target has been discovered

  @RA1:asr.mon.04
  Scenario: A link fault is streamed and alarmed, and its repair streamed and cleared
    Given the scenario subscribes to the telemetry of "/interfaces/interface" and to alarms
    Then the subscription first receives the oper-status of every port of the profile's nodes
    When a redundant link of a node of the profile goes down
    Then the stream carries the port's oper-status "DOWN"
    And a "Major" alarm is raised for the port
    When that link comes back up
    Then the stream carries the port's oper-status "UP"
    And the port's alarm is cleared
