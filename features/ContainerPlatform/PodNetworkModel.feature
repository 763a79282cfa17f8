@area:containers
Feature: The default pod network implements the Kubernetes network model through a CNI plugin, without NAT
  The container platform is driven as a Kubernetes cluster: manifests are applied through the API, pods and nodes are
  read back as kubectl shows them, and probes are real packets sent from inside a pod's network namespace and reported
  by the receiver (as an agnhost netexec listener reports its client's address). Pods are pinned to the first two nodes
  so that pod-to-pod probes cross nodes.

  Checks RA2 inf.ntw.08 (the default network implements the Kubernetes network model: every pod reaches every pod on
  any node, and node agents reach pods, without NAT: the receiver sees the sender's own pod IP), RA2 ra2.ntw.002 (the
  default network is a CNI plugin, not kubenet: every node holds a CNI network configuration list, the kubelet does not
  run kubenet, and ADD, CHECK and DEL invoked directly return what the CNI specification requires), RA2 inf.ntw.14 and
  ra2.ntw.011 (traffic of address-preserving workloads is NAT-less: a probe from a pod to a host outside the cluster
  arrives with the pod IP as its source, and the outside host reaches the pod at its pod IP), and RA2 ra2.ntw.001,
  int.api.01 and inf.ntw.03 (the networking is administered through Kubernetes API objects, declaratively, from one
  place: the API serves the network objects, a re-apply changes nothing, one NetworkAttachmentDefinition applied through
  the API attaches pods on two nodes, and the nodes' CNI configurations are identical). Not checked: storage and
  compute discovery of int.api.01 (RA2 states only its networking part is met).

  @RA2:inf.ntw.08
  Scenario: Pods on two nodes and a node agent reach each other with their own addresses
    Given the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: model
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: client, namespace: model, labels: {app: client}}
      spec:
        nodeName: ${node1}
        containers: [{name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: server, namespace: model, labels: {app: server}}
      spec:
        nodeName: ${node2}
        containers: [{name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: node-agent, namespace: model}
      spec:
        nodeName: ${node2}
        hostNetwork: true
        containers: [{name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
      """
    Then pods "model/client, model/server, model/node-agent" are running
    And pods "model/client, model/server" run on different nodes
    And the probes have these outcomes:
      | from              | over          | protocol | to                 | port | outcome   | source seen |
      | model/client      | eth0          | tcp      | model/server       | 8080 | delivered | sender      |
      | model/client      | eth0          | udp      | model/server       | 8081 | delivered | sender      |
      | model/server      | eth0          | icmp     | model/client       | 0    | delivered | sender      |
      | model/server      | eth0          | tcp      | model/client       | 8080 | delivered | sender      |
      | model/node-agent  | ${uplink2}    | tcp      | model/server       | 8080 | delivered | sender      |
      | model/node-agent  | ${uplink2}    | tcp      | model/client       | 8080 | delivered | sender      |
      | model/client      | eth0          | tcp      | node ${node2} IPv4 | 10250 | delivered | sender     |

  @RA2:ra2.ntw.002
  Scenario: The default network is a CNI plugin configured on every node, and ADD, CHECK and DEL follow the CNI specification
    Then every node has the same CNI network configuration list for the default network, and the kubelet does not use kubenet
    And CNI ADD, CHECK and DEL of the default network on node "${node1}" behave as the CNI specification requires

  @RA2:inf.ntw.14 @RA2:ra2.ntw.011
  Scenario: Pod IPs are exposed outside the cluster without NAT, in both directions
    Given the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: voice
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: sbc, namespace: voice, labels: {app: sbc}}
      spec:
        containers: [{name: sbc, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec], ports: [{name: sip, containerPort: 5060, protocol: UDP}]}]
      """
    Then pod "voice/sbc" is running
    And the probes have these outcomes:
      | from     | over | protocol | to            | port | outcome   | source seen |
      | voice/sbc  | eth0 | udp      | external IPv4 | 5060 | delivered | sender      |
      | voice/sbc  | eth0 | tcp      | external IPv4 | 3868 | delivered | sender      |
      | external | -    | udp      | voice/sbc       | 5060 | delivered | sender      |
      | external | -    | tcp      | voice/sbc       | 3868 | delivered | sender      |

  @RA2:ra2.ntw.001 @RA2:int.api.01 @RA2:inf.ntw.03
  Scenario: Networks are declared through the Kubernetes API once, and used by pods on every node
    Then the API server serves "v1 Namespace, v1 Pod, k8s.cni.cncf.io/v1 NetworkAttachmentDefinition, networking.k8s.io/v1 NetworkPolicy"
    And every node has the same CNI network configuration list for the default network, and the kubelet does not use kubenet
    Given the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: declarative
      ---
      apiVersion: k8s.cni.cncf.io/v1
      kind: NetworkAttachmentDefinition
      metadata: {name: data, namespace: declarative}
      spec:
        config: '{"cniVersion": "1.0.0", "type": "macvlan", "mode": "bridge", "ipam": {"type": "whereabouts", "range": "192.168.60.0/24"}}'
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: one, namespace: declarative, annotations: {k8s.v1.cni.cncf.io/networks: data}}
      spec:
        nodeName: ${node1}
        containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: two, namespace: declarative, annotations: {k8s.v1.cni.cncf.io/networks: data}}
      spec:
        nodeName: ${node2}
        containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]
      """
    Then pods "declarative/one, declarative/two" are running
    And applying the same manifests again leaves every object unchanged
    And the probes have these outcomes:
      | from            | over | protocol | to                   | port | outcome   | source seen |
      | declarative/one | net1 | udp      | declarative/two net1 | 9000 | delivered | sender      |
    And the API server refuses these manifests with "spec: Forbidden: pod updates may not change fields":
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: one, namespace: declarative, annotations: {k8s.v1.cni.cncf.io/networks: data}}
      spec:
        nodeName: ${node1}
        containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.54}]
      """
