@area:service-exposure
Feature: The egress controller gives CNF traffic fixed sources, its own VRF and VLAN, and keeps overlapping networks apart
  RA2's egress rows apply "if an egress controller is offered"; on a target without one these scenarios are not
  applicable. Egress policies (egress.nfvc.io/v1alpha1 EgressPolicy, the facet's neutral form of OVN-Kubernetes
  EgressIP, Cilium egress gateway policies and per-network VRFs) select the scenario's pods by namespace and pod
  labels (a traffic class) and say which external network (VRF) their traffic goes to and with which source. Packets
  are sent from the pods to hosts outside the cluster and checked as captured on the external side:
  ra2.plat.034 and ra2.plat.035, flows leave with the policy's fixed egress IPs only, both of its two addresses in
  use, and each flow sent again leaves from the same address; ra2.plat.036, a policy preserving the client source
  makes the packet arrive with the pod's own address; ra2.plat.037, a policy tied to a LoadBalancer Service makes its
  pod's outgoing traffic leave from the same VIP external clients reach it on; ra2.plat.038 and ra2.plat.039, OAM and
  signalling pods' traffic lands in its own VRF, and the frame captured on the trunk carries that network's 802.1Q VLAN
  id (read from the frame's bytes); ra2.plat.040, the OAM and signalling networks both hold 198.51.100.0/24, and the
  same destination address reached from each traffic class arrives in that class's network. The emulator's unit
  tests show each check failing when egress sources, VLAN tagging or VRF separation are switched off.

  Background:
    Given the target offers an egress controller
    And the scenario's namespace runs the pods:
      | pod   | labels                 |
      | oam-0 | app=cnf,traffic=oam    |
      | sig-0 | app=cnf,traffic=sig    |
      | sig-1 | app=cnf,traffic=sig    |

  @RA2:ra2.plat.034 @RA2:ra2.plat.035
  Scenario: Egress flows leave with the policy's fixed source addresses, several of them, each flow always from the same one
    When the manifests are applied:
      """
      apiVersion: egress.nfvc.io/v1alpha1
      kind: EgressPolicy
      metadata: {name: ${scenario}-oam}
      spec:
        namespaceSelector: {matchLabels: {nfvc.io/scenario: ${scenario}}}
        podSelector: {matchLabels: {traffic: oam}}
        egressIPs: [192.0.2.140, 192.0.2.141]
        vrf: oam
      """
    Then 40 tcp flows from pod "oam-0" to "198.51.100.20" port 830, each sent twice, leave with sources "192.0.2.140,192.0.2.141", all used and each flow always from the same one

  @RA2:ra2.plat.036
  Scenario: A policy that preserves the source lets the pod's own address reach the external network
    When the manifests are applied:
      """
      apiVersion: egress.nfvc.io/v1alpha1
      kind: EgressPolicy
      metadata: {name: ${scenario}-media}
      spec:
        namespaceSelector: {matchLabels: {nfvc.io/scenario: ${scenario}}}
        podSelector: {matchLabels: {traffic: sig}}
        preserveSourceIP: true
        vrf: media
      """
    Then a udp packet from pod "sig-0" to "100.64.3.3" port 5004 arrives in network "media" with that network's VLAN tag and source "pod"

  @RA2:ra2.plat.037
  Scenario: A CNF's traffic leaves from the same VIP it is reached on
    When the manifests are applied:
      """
      apiVersion: v1
      kind: Service
      metadata: {name: oam-vip, namespace: ${namespace}}
      spec:
        type: LoadBalancer
        selector: {traffic: oam}
        ports: [{protocol: TCP, port: 830, targetPort: 830}]
      ---
      apiVersion: egress.nfvc.io/v1alpha1
      kind: EgressPolicy
      metadata: {name: ${scenario}-vip}
      spec:
        namespaceSelector: {matchLabels: {nfvc.io/scenario: ${scenario}}}
        podSelector: {matchLabels: {traffic: oam}}
        serviceRef: {namespace: ${namespace}, name: oam-vip}
        vrf: oam
      """
    Then a probe from outside to Service "oam-vip"'s load-balancer address reaches pod "oam-0"
    And a tcp packet from pod "oam-0" to "198.51.100.20" port 6514 arrives in network "oam" with that network's VLAN tag and source "service oam-vip"

  @RA2:ra2.plat.038 @RA2:ra2.plat.039 @RA2:ra2.plat.040
  Scenario: OAM and signalling traffic go to their own VRFs, tagged with their VLANs, even to the same destination address
    When the manifests are applied:
      """
      apiVersion: egress.nfvc.io/v1alpha1
      kind: EgressPolicy
      metadata: {name: ${scenario}-oam}
      spec:
        namespaceSelector: {matchLabels: {nfvc.io/scenario: ${scenario}}}
        podSelector: {matchLabels: {traffic: oam}}
        egressIPs: [192.0.2.150]
        vrf: oam
      ---
      apiVersion: egress.nfvc.io/v1alpha1
      kind: EgressPolicy
      metadata: {name: ${scenario}-sig}
      spec:
        namespaceSelector: {matchLabels: {nfvc.io/scenario: ${scenario}}}
        podSelector: {matchLabels: {traffic: sig}}
        egressIPs: [192.0.2.160]
        vrf: signalling
      """
    Then networks "oam" and "signalling" both route "198.51.100.10"
    And a udp packet from pod "oam-0" to "198.51.100.10" port 161 arrives in network "oam" with that network's VLAN tag and source "192.0.2.150"
    And a tcp packet from pod "sig-0" to "198.51.100.10" port 3868 arrives in network "signalling" with that network's VLAN tag and source "192.0.2.160"
    And a tcp packet from pod "sig-1" to "192.0.2.9" port 3868 arrives in network "signalling" with that network's VLAN tag and source "192.0.2.160"
