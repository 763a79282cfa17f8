@area:performance
Feature: Throughput (NDR/PDR) per frame size and latency through a one-hop chain
  A router instance asking for SR-IOV is chained, and the target's traffic generator searches the no-drop rate
  (NDR, loss <= 0.001 %) and partial-drop rate (PDR, loss <= 0.1 %) for 64, 512 and 1518-byte frames and IMIX by
  MLRsearch, TST009 and bisection (src/NfvConformance.Traffic); each NDR must reach the profile's figure in
  features/targets/<profile>.yaml, a longer trial at the NDR must confirm it, and the chain's 99th-percentile latency
  at 90 % of the NDR must stay within the profile's figure. The acceleration actually granted follows the profile's
  hardware (SR-IOV on high-performance; a fallback on basic), so the figures differ by profile. Checks RC1
  vnf.nfvi.perf.001 (throughput per vNIC), vnf.nfvi.perf.002 (frame transfer time at that throughput) and
  vnf.nfvi.perf.003 (frame delay variation at that throughput: the 99th percentile of RFC 5481 PDV, delay minus the
  minimum delay, in a trial at the NDR, within RC1's indicative 1 ms) and vnf.nfvi.perf.004 (concurrent L3/L4
  flows per vNIC before new ones drop: RC1's indicative 500k distinct flows, one probe each, all delivered through
  the router's vNIC, and the oldest ones, probed again, still on their first path); on
  high-performance also RA1 inf.nw.03 (latency-sensitive, high-bandwidth traffic) and inf.acc.03 (SR-IOV
  accelerates the workload). Latency and delay variation come from the generator's own timestamps in its trials. On
  the emulator the generator runs in virtual time over the chain's cost model; on the linux target it is the AF_PACKET
  generator on the chain lab's client and server links, calibrated first (every load stays below 80 % of its
  back-to-back ceiling), with 0.2 s and 0.5 s search trials and 1 s verification and latency trials; a host without
  SR-IOV grants the router a kernel (veth) attachment instead, as the emulator's basic profile does.

  Background:
    Given the target has been discovered
    And the service function instances:
      | instance | function | group | acceleration |
      | rt-1     | router   | rt    | sriov-vf     |
    And a flow classifier "perf" for udp traffic from "10.0.0.0/8"
    And a service chain "perf" with id 90 through "rt" classified by "perf"
    And the chain spec is applied

  @RC1:vnf.nfvi.perf.001 @profile:basic
  Scenario Outline: NDR and PDR at <frames> frames on the basic profile
    When NDR and PDR are searched by <method> with <frames> frames from "10.0.0.1"
    Then the NDR in Mpps is at least "<figure>"
    And the PDR lies between the NDR and line rate
    And a longer trial at the NDR loses no more than the NDR ratio

    Examples:
      | frames | method    | figure                          |
      | 64     | MLR       | performance.ndr_64b_min_mpps    |
      | 512    | TST009    | performance.ndr_512b_min_mpps   |
      | 1518   | bisection | performance.ndr_1518b_min_mpps  |
      | IMIX   | MLR       | performance.ndr_imix_min_mpps   |

  @RC1:vnf.nfvi.perf.001 @RA1:inf.nw.03 @RA1:inf.acc.03 @profile:high-performance @requires:RM:e.cap.013
  Scenario Outline: NDR and PDR at <frames> frames on the high-performance profile, with SR-IOV granted
    When NDR and PDR are searched by <method> with <frames> frames from "10.0.0.1"
    Then the NDR in Mpps is at least "<figure>"
    And the PDR lies between the NDR and line rate
    And a longer trial at the NDR loses no more than the NDR ratio

    Examples:
      | frames | method    | figure                          |
      | 64     | MLR       | performance.ndr_64b_min_mpps    |
      | 512    | TST009    | performance.ndr_512b_min_mpps   |
      | 1518   | bisection | performance.ndr_1518b_min_mpps  |
      | IMIX   | MLR       | performance.ndr_imix_min_mpps   |

  @RC1:vnf.nfvi.perf.002 @RC1:vnf.nfvi.perf.001
  Scenario: The 99th-percentile latency at 90 % of the 64-byte NDR stays within the profile's figure
    When NDR and PDR are searched by MLR with 64 frames from "10.0.0.1"
    Then chain "perf" at 90 % of the NDR has a 99th-percentile latency within "performance.latency_p99_max_us"

  @RC1:vnf.nfvi.perf.003
  Scenario: The frame delay variation at the 64-byte NDR stays within RC1's figure
    When NDR and PDR are searched by MLR with 64 frames from "10.0.0.1"
    Then chain "perf" at 100 % of the NDR has a 99th-percentile frame delay variation within "performance.delay_variation_p99_max_us"

  @RC1:vnf.nfvi.perf.004
  Scenario: Half a million concurrent UDP flows cross one vNIC, and the oldest are still carried on their first path
    Then "performance.concurrent_flows_per_vnic_min" concurrent udp flows from "10.20.0.1" to "198.51.100.20" port 53 all cross instance "rt-1", and the oldest 5000 still take their first path
