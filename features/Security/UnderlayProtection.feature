@area:security
Feature: Tenant traffic between nodes is encrypted and integrity-protected, and so are volumes at rest
  RM sec.sys.003 asks for encrypted, integrity-protected network communication, and sec.ci.001 that stored and
  transmitted data be protected against disclosure and alteration. In transit: a probe's frame between two compute
  nodes must appear on the underlay as ESP in UDP (RFC 4303, RFC 3948), with neither the probe's payload nor its
  inner addresses visible in the bytes on the wire; a frame with one bit flipped on the underlay must be dropped by
  the receiving node as an integrity failure, not delivered altered. At rest: bytes a workload writes to its volume
  must read back intact, must not be on the storage back end in clear, and a bit flipped on the back end must fail the
  next read rather than return altered data. Not claimed: RM sec.sys.004 (every channel), since the API, management
  and external networks are not probed here.

  Background:
    Given projects "tenant-a"
    And project "tenant-a" has internal network "net1" with subnet "10.80.0.0/24"
    And port "a1" of project "tenant-a" on network "net1" on the first compute node
    And port "a2" of project "tenant-a" on network "net1" on the second compute node

  @RM:sec.sys.003 @RM:sec.ci.001
  Scenario: Frames between compute nodes are ciphertext on the wire, and a tampered one is dropped
    When a udp probe with 64 payload bytes goes from port "a1" to "a2" port 5001
    Then the probe's underlay frames were ESP in UDP and carried neither its payload nor its addresses in clear
    When a udp probe from port "a1" to "a2" port 5001 has one bit flipped on the underlay
    Then the probe was dropped as IntegrityFailure

  @RM:sec.ci.001 @requires:virtual-time-trials
  Scenario: A volume's data is encrypted at rest and a change on the back end is detected
    When project "tenant-a" creates a 5 GiB volume "data"
    Then volume "data" attached to the workload of port "a1" returns the 8192 bytes written at offset 4096
    And the storage back end holds those 8192 bytes of volume "data" at offset 4096 only as ciphertext, and a bit flipped there fails the next read
