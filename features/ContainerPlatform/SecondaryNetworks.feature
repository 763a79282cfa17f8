@area:containers
Feature: A CNI meta-plugin attaches extra networks to pods through several CNI plugins, per the multi-net spec v1.2
  Extra connection points are requested the standard way: the pod annotation k8s.v1.cni.cncf.io/networks names
  NetworkAttachmentDefinitions (k8s.cni.cncf.io/v1) whose spec.config is a CNI configuration. The meta-plugin reads
  the annotation in both forms of the Network Plumbing WG multi-net specification v1.2 (the comma-separated
  [namespace/]name[@interface] list and the JSON list with interface, ips, mac and default-route), delegates each
  attachment to the CNI plugin its configuration names (macvlan, ipvlan, with whereabouts or static IPAM) and writes the
  k8s.v1.cni.cncf.io/network-status annotation. Each entry of that annotation is compared with the interfaces the pod
  itself sees (name, MAC, addresses), and probes are sent over the secondary interfaces between pods on two nodes.

  Checks RA2 ra2.ntw.004 and ra2.app.006 (extra connection points are requested through annotations), ra2.ntw.005
  (a meta-plugin is used), ra2.ntw.006 (it is the node's CNI configuration, so the runtime calls it through CNI, and it
  delegates the default network), ra2.ntw.007 (it drives several CNI plugins in one pod), ra2.ntw.009 (non-default
  connection points are made by CNI plugins: each network-status entry comes from a NetworkAttachmentDefinition whose
  configuration is a CNI configuration, and a configuration naming a plugin that is not a CNI plugin leaves the pod
  without its network, with the reason), ra2.app.015 (the workload's networks are CNI plugin configurations: the
  scenario's NetworkAttachmentDefinitions carry cniVersion and type, and the pod runs only when the plugin exists),
  ra2.ntw.015 (a cluster-wide IPAM gives secondary interfaces addresses: pods on two nodes never get the same one) and
  ra2.ntw.016 (the multi-net CRD spec v1.2: both annotation forms, interface names, static ips, mac and default-route,
  and the network-status format).

  @RA2:ra2.ntw.004 @RA2:ra2.app.006 @RA2:ra2.ntw.005 @RA2:ra2.ntw.006 @RA2:ra2.ntw.007 @RA2:ra2.ntw.009 @RA2:ra2.app.015 @RA2:ra2.ntw.016
  Scenario: A pod gets a macvlan and an ipvlan interface from the comma-separated annotation, and reaches a pod on another node over each
    Then every node's first CNI configuration is the meta-plugin, delegating the cluster default network to a CNI plugin list
    Given the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: multinet
      ---
      apiVersion: k8s.cni.cncf.io/v1
      kind: NetworkAttachmentDefinition
      metadata: {name: signalling, namespace: multinet}
      spec:
        config: '{"cniVersion": "1.0.0", "type": "macvlan", "mode": "bridge", "ipam": {"type": "whereabouts", "range": "192.168.70.0/24", "gateway": "192.168.70.1"}}'
      ---
      apiVersion: k8s.cni.cncf.io/v1
      kind: NetworkAttachmentDefinition
      metadata: {name: media, namespace: multinet}
      spec:
        config: '{"cniVersion": "0.4.0", "type": "ipvlan", "mode": "l2", "ipam": {"type": "whereabouts", "range": "10.71.0.0/24"}}'
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: cnf-a
        namespace: multinet
        annotations: {k8s.v1.cni.cncf.io/networks: "signalling, multinet/media@media0"}
      spec:
        nodeName: ${node1}
        containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: cnf-b
        namespace: multinet
        annotations: {k8s.v1.cni.cncf.io/networks: "signalling, media@media0"}
      spec:
        nodeName: ${node2}
        containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
      """
    Then pods "multinet/cnf-a, multinet/cnf-b" are running
    And the network-status of pod "multinet/cnf-a" lists:
      | name                | interface | addresses in                      | default |
      | emu-pod-network     | eth0      | 10.244.0.0/16, fd00:10:244::/56   | yes     |
      | multinet/signalling | net1      | 192.168.70.0/24                   | no      |
      | multinet/media      | media0    | 10.71.0.0/24                      | no      |
    And the probes have these outcomes:
      | from           | over   | protocol | to                    | port | outcome   | source seen |
      | multinet/cnf-a | net1   | udp      | multinet/cnf-b net1   | 5060 | delivered | sender      |
      | multinet/cnf-a | media0 | udp      | multinet/cnf-b media0 | 4000 | delivered | sender      |
      | multinet/cnf-b | net1   | icmp     | multinet/cnf-a net1   | 0    | delivered | sender      |
      | multinet/cnf-a | net1   | udp      | multinet/cnf-b media0 | 4000 | dropped   | -           |

  @RA2:ra2.ntw.016 @RA2:ra2.ntw.004
  Scenario: The JSON form sets the interface name, a static address, the MAC and the default route
    Given the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: jsonform
      ---
      apiVersion: k8s.cni.cncf.io/v1
      kind: NetworkAttachmentDefinition
      metadata: {name: access, namespace: jsonform}
      spec:
        config: '{"cniVersion": "1.0.0", "type": "macvlan", "capabilities": {"ips": true, "mac": true}, "ipam": {"type": "static"}}'
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: gw
        namespace: jsonform
        annotations:
          k8s.v1.cni.cncf.io/networks: '[{"name": "access", "namespace": "jsonform", "interface": "access0", "ips": ["172.30.5.10/24"], "mac": "02:00:5e:10:00:0a", "default-route": ["172.30.5.1"]}]'
      spec:
        containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]
      """
    Then pod "jsonform/gw" is running
    And the network-status of pod "jsonform/gw" lists:
      | name            | interface | addresses in                    | default |
      | emu-pod-network | eth0      | 10.244.0.0/16, fd00:10:244::/56 | no      |
      | jsonform/access | access0   | 172.30.5.10/32                  | yes     |
    And the IPv4 default route of pod "jsonform/gw" leaves by access0, whose MAC is "02:00:5e:10:00:0a"

  @RA2:ra2.ntw.015
  Scenario: The cluster-wide IPAM never gives two pods on different nodes the same secondary address
    Given the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: addressing
      ---
      apiVersion: k8s.cni.cncf.io/v1
      kind: NetworkAttachmentDefinition
      metadata: {name: fabric, namespace: addressing}
      spec:
        config: '{"cniVersion": "1.0.0", "type": "macvlan", "ipam": {"type": "whereabouts", "range": "192.168.80.0/28", "exclude": ["192.168.80.0/30"]}}'
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: a1, namespace: addressing, annotations: {k8s.v1.cni.cncf.io/networks: fabric}}
      spec: {nodeName: "${node1}", containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: a2, namespace: addressing, annotations: {k8s.v1.cni.cncf.io/networks: fabric}}
      spec: {nodeName: "${node1}", containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: b1, namespace: addressing, annotations: {k8s.v1.cni.cncf.io/networks: fabric}}
      spec: {nodeName: "${node2}", containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: b2, namespace: addressing, annotations: {k8s.v1.cni.cncf.io/networks: fabric}}
      spec: {nodeName: "${node2}", containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]}
      """
    Then pods "addressing/a1, addressing/a2, addressing/b1, addressing/b2" are running
    And the net1 addresses of pods "addressing/a1, addressing/a2, addressing/b1, addressing/b2" are all different and inside "192.168.80.0/28"
    And the probes have these outcomes:
      | from    | over | protocol | to           | port | outcome   | source seen |
      | addressing/a1 | net1 | udp      | addressing/b1 net1 | 7000 | delivered | sender      |
      | addressing/a2 | net1 | udp      | addressing/b2 net1 | 7000 | delivered | sender      |

  @RA2:ra2.ntw.009 @RA2:ra2.app.015
  Scenario: A network whose configuration names no installed CNI plugin leaves the pod without its network, with the reason
    Given the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: badplugin
      ---
      apiVersion: k8s.cni.cncf.io/v1
      kind: NetworkAttachmentDefinition
      metadata: {name: legacy, namespace: badplugin}
      spec:
        config: '{"cniVersion": "1.0.0", "type": "vendor-proprietary-dataplane", "ipam": {"type": "whereabouts", "range": "10.72.0.0/24"}}'
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: cnf, namespace: badplugin, annotations: {k8s.v1.cni.cncf.io/networks: legacy}}
      spec:
        containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]
      """
    Then pod "badplugin/cnf" stays "ContainerCreating" with a reason containing "failed to find plugin \"vendor-proprietary-dataplane\""
