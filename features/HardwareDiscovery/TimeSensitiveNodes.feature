@area:hardware-discovery
Feature: Time-sensitive and real-time nodes (rt-tsn profile extension)
  RA2 defines the rt-tsn profile extension for nodes that host time-sensitive and real-time workloads (RAN
  distributed units, industrial control). On those nodes the RM asks for a PTP hardware clock with SyncE
  (RM:infra.hw.nac.cfg.005, RM:e.cap.027, RA2:ra2.ntw.023) and a real-time BIOS, kernel and OS (RM:e.cap.026,
  RA2:ra2.ch.020).
  Checks, read as a real discovery reads them: ethtool -T (hardware-transmit, hardware-receive, a PTP clock
  index) and SyncE on a port of every rt-tsn node, and the published capability; then PTP really runs: the target
  synchronises the port's clock to the grandmaster with two-step Sync/Follow_Up and Delay_Req/Delay_Resp frames
  for 60 s (virtual time on the emulator) and the servo's measured offset ("master offset" in ptp4l) must stay
  within ITU-T G.8273.2 Class B max|TE| (70 ns) after settling, while SyncE keeps the servo's frequency
  correction near zero (a free-running oscillator needs ppm corrected). The real-time check reads uname -v
  (PREEMPT_RT), /proc/cmdline (isolcpus, nohz_full and rcu_nocbs covering every core a workload may be pinned to)
  and the BIOS settings (C-states C1 at most, turbo and P-states off).
  Basic nodes carry no rt-tsn extension and publish no PTP: the scenarios are N/A there.

  Background:
    Given the target has been discovered

  @RM:infra.hw.nac.cfg.005 @RM:e.cap.027 @RA2:ra2.ntw.023 @requires:RM:e.cap.027
  Scenario: rt-tsn nodes have a PTP hardware clock with SyncE
    Then every "rt-tsn" node has a port with a PTP hardware clock, hardware time-stamping and SyncE

  @RM:infra.hw.nac.cfg.005 @RM:e.cap.027 @RA2:ra2.ntw.023 @requires:RM:e.cap.027
  Scenario: PTP keeps rt-tsn clocks within the Class B time-error budget, SyncE holding their frequency
    When each "rt-tsn" node synchronises to the grandmaster for 60 seconds
    Then the hardware clock's offset from the grandmaster after "timing.ptp_settle_s" stays within "timing.ptp_max_abs_offset_ns"
    And SyncE keeps the clock's frequency correction after "timing.ptp_settle_s" within "timing.synce_frequency_correction_max_ppb"

  @RM:e.cap.026 @RA2:ra2.ch.020 @requires:RM:e.cap.026
  Scenario: rt-tsn nodes run a real-time BIOS, kernel and OS configuration
    Then every "rt-tsn" node runs a real-time BIOS, kernel and OS configuration
