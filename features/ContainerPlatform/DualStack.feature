@area:containers
Feature: The cluster is dual-stack: nodes, pods, the default network and tenant networks carry IPv4 and IPv6
  The control plane's own configuration is read as the static pods show it (the API server's service range, the
  controller manager's cluster range, the kubelet's node IPs, kube-proxy's cluster range), the nodes as kubectl shows
  them, and then both families are exercised: probes of each family between pods on two nodes, between the node
  agents of two nodes (host network, node addresses), and over a dual-stack secondary network.

  Checks RA2 ra2.k8s.010 (dual stack is enabled in the API server, controller manager, kubelet and kube-proxy: each is
  configured with a range or address of each family), RA2 ra2.ch.007 and RA1 inf.nw.17 (nodes have routable IPv4 and
  IPv6 addresses and the infrastructure network between them carries both: node agents on two nodes reach each other
  over each family with their own addresses), RA2 inf.ntw.04 (Kubernetes workloads are dual-stack: pods get an IPv4
  and an IPv6 pod IP and reach each other over both), RA2 ra2.ntw.013 (the CNI plugin is dual-stack: its ADD result and
  the pod's interface carry both families) and RA1 inf.nw.16 (tenant networks are dual-stack too: a secondary network
  with an IPv4 and an IPv6 range carries both families between pods of a tenant namespace).

  @RA2:ra2.k8s.010 @RA2:ra2.ch.007 @RA1:inf.nw.17
  Scenario: The control plane is configured for both families, and node agents reach each other over both
    Then the API server, controller manager, kubelet and kube-proxy are configured for IPv4 and IPv6, and every node has an address and a pod range of each family
    Given the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: infra
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: agent-1, namespace: infra}
      spec:
        nodeName: ${node1}
        hostNetwork: true
        containers: [{name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: agent-2, namespace: infra}
      spec:
        nodeName: ${node2}
        hostNetwork: true
        containers: [{name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
      """
    Then pods "infra/agent-1, infra/agent-2" are running
    And the probes have these outcomes:
      | from          | over       | protocol | to                 | port  | outcome   | source seen |
      | infra/agent-1 | ${uplink1} | tcp      | node ${node2} IPv4 | 10250 | delivered | sender      |
      | infra/agent-1 | ${uplink1} | tcp      | node ${node2} IPv6 | 10250 | delivered | sender      |
      | infra/agent-2 | ${uplink2} | icmp     | node ${node1} IPv6 | 0     | delivered | sender      |
      | infra/agent-2 | ${uplink2} | udp      | node ${node1} IPv4 | 53    | delivered | sender      |

  @RA2:inf.ntw.04 @RA2:ra2.ntw.013
  Scenario: Pods get an address of each family from the CNI plugin and reach each other over both
    Then CNI ADD, CHECK and DEL of the default network on node "${node1}" behave as the CNI specification requires
    Given the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: dualstack
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: dualstack}
      spec:
        nodeName: ${node1}
        containers: [{name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: dualstack}
      spec:
        nodeName: ${node2}
        containers: [{name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
      """
    Then pods "dualstack/web, dualstack/db" each have an IPv4 and an IPv6 pod IP from the cluster's pod ranges
    And the network-status of pod "dualstack/web" lists:
      | name            | interface | addresses in                    | default |
      | emu-pod-network | eth0      | 10.244.0.0/16, fd00:10:244::/56 | yes     |
    And the probes have these outcomes:
      | from          | over | protocol | to                | port | outcome   | source seen |
      | dualstack/web | eth0 | tcp      | dualstack/db IPv4 | 5432 | delivered | sender      |
      | dualstack/web | eth0 | tcp      | dualstack/db IPv6 | 5432 | delivered | sender      |
      | dualstack/db  | eth0 | icmp     | dualstack/web IPv6 | 0   | delivered | sender      |
      | dualstack/db  | eth0 | udp      | external IPv6     | 53   | delivered | sender      |

  @RA1:inf.nw.16
  Scenario: A tenant's secondary network carries both families between pods on two nodes
    Given the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: tenant-ds
      ---
      apiVersion: k8s.cni.cncf.io/v1
      kind: NetworkAttachmentDefinition
      metadata: {name: backhaul, namespace: tenant-ds}
      spec:
        config: '{"cniVersion": "1.0.0", "type": "macvlan", "ipam": {"type": "whereabouts", "ipRanges": [{"range": "192.168.90.0/24"}, {"range": "fd00:90::/64"}]}}'
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: du, namespace: tenant-ds, annotations: {k8s.v1.cni.cncf.io/networks: backhaul}}
      spec:
        nodeName: ${node1}
        containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: cu, namespace: tenant-ds, annotations: {k8s.v1.cni.cncf.io/networks: backhaul}}
      spec:
        nodeName: ${node2}
        containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]
      """
    Then pods "tenant-ds/du, tenant-ds/cu" each have an IPv4 and an IPv6 pod IP from the cluster's pod ranges
    And the network-status of pod "tenant-ds/du" lists:
      | name               | interface | addresses in                    | default |
      | emu-pod-network    | eth0      | 10.244.0.0/16, fd00:10:244::/56 | yes     |
      | tenant-ds/backhaul | net1      | 192.168.90.0/24, fd00:90::/64   | no      |
    And the probes have these outcomes:
      | from         | over | protocol | to                     | port | outcome   | source seen |
      | tenant-ds/du | net1 | udp      | tenant-ds/cu net1 IPv6 | 2152 | delivered | sender      |
      | tenant-ds/du | net1 | udp      | tenant-ds/cu net1 IPv4 | 2152 | delivered | sender      |
      | tenant-ds/cu | net1 | icmp     | tenant-ds/du net1 IPv6 | 0    | delivered | sender      |
