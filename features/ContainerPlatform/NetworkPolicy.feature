@area:containers
Feature: NetworkPolicy is enforced on pod traffic, ingress and egress, and lets replies of allowed connections back
  NetworkPolicy (networking.k8s.io/v1) is the Kubernetes equivalent of security groups. Pods are selected by labels;
  a pod no policy selects accepts everything, and once a policy selects it for a direction only what a rule admits
  passes: peers by podSelector, namespaceSelector (both together), or ipBlock with exceptions, and ports by protocol and
  number. Probes are real packets; the drop reason names the policies that selected the pod. A policy isolating the
  sender for ingress must not drop the replies of connections the sender opened, and deleting a policy through the API
  opens the traffic again.

  Checks RA2 ra2.k8s.014 (NetworkPolicy is supported: the API serves it and the plugin honours its fields) and RA2
  ra2.ntw.014 (the networking solution enforces it: the same probes are delivered before the policy, dropped after it,
  and delivered again once it is deleted).

  Background:
    Given the Kubernetes manifests are applied:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
        labels: {tier: prod}
      ---
      apiVersion: v1
      kind: Namespace
      metadata:
        name: monitoring
        labels: {tier: ops}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: shop, labels: {app: db}}
      spec:
        nodeName: ${node2}
        containers: [{name: pg, image: docker.io/library/postgres:16, ports: [{name: pg, containerPort: 5432}]}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop, labels: {app: web}}
      spec:
        nodeName: ${node1}
        containers: [{name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: batch, namespace: shop, labels: {app: batch}}
      spec:
        nodeName: ${node1}
        containers: [{name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: prometheus, namespace: monitoring, labels: {app: prometheus}}
      spec:
        nodeName: ${node2}
        containers: [{name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
      """
    And pods "shop/db, shop/web, shop/batch, monitoring/prometheus" are running

  @RA2:ra2.k8s.014 @RA2:ra2.ntw.014
  Scenario: Ingress to the database is open until a policy selects it, then only web (by pod) and monitoring (by namespace) get in, on their ports
    Then the API server serves "networking.k8s.io/v1 NetworkPolicy"
    And the probes have these outcomes:
      | from                  | over | protocol | to      | port | outcome   | source seen |
      | shop/batch            | eth0 | tcp      | shop/db | 5432 | delivered | sender      |
    When the Kubernetes manifests are applied:
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: db-ingress, namespace: shop}
      spec:
        podSelector: {matchLabels: {app: db}}
        policyTypes: [Ingress]
        ingress:
        - from: [{podSelector: {matchLabels: {app: web}}}]
          ports: [{protocol: TCP, port: pg}]
        - from: [{namespaceSelector: {matchExpressions: [{key: tier, operator: In, values: [ops]}]}, podSelector: {matchLabels: {app: prometheus}}}]
          ports: [{protocol: TCP, port: 9100, endPort: 9200}]
      """
    Then the probes have these outcomes:
      | from                  | over | protocol | to           | port | outcome   | source seen | reason                  |
      | shop/web              | eth0 | tcp      | shop/db      | 5432 | delivered | sender      | -                       |
      | shop/web              | eth0 | tcp      | shop/db IPv6 | 5432 | delivered | sender      | -                       |
      | shop/web              | eth0 | udp      | shop/db      | 5432 | dropped   | -           | shop/db-ingress         |
      | shop/batch            | eth0 | tcp      | shop/db      | 5432 | dropped   | -           | dropped by NetworkPolicy |
      | shop/batch            | eth0 | icmp     | shop/db      | 0    | dropped   | -           | ingress of pod shop/db  |
      | monitoring/prometheus | eth0 | tcp      | shop/db      | 9187 | delivered | sender      | -                       |
      | monitoring/prometheus | eth0 | tcp      | shop/db      | 5432 | dropped   | -           | shop/db-ingress         |
      | shop/batch            | eth0 | tcp      | shop/web     | 8080 | delivered | sender      | -                       |
    When the NetworkPolicy "shop/db-ingress" is deleted
    Then the probes have these outcomes:
      | from                  | over | protocol | to      | port | outcome   | source seen |
      | shop/batch            | eth0 | tcp      | shop/db | 5432 | delivered | sender      |

  @RA2:ra2.k8s.014 @RA2:ra2.ntw.014
  Scenario: Egress rules limit what a pod may reach, by pod, by ipBlock with an exception, and by port
    When the Kubernetes manifests are applied:
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: batch-egress, namespace: shop}
      spec:
        podSelector: {matchLabels: {app: batch}}
        policyTypes: [Egress]
        egress:
        - to: [{podSelector: {matchLabels: {app: db}}}]
          ports: [{protocol: TCP, port: 5432}]
        - to: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.128/25]}}]
          ports: [{protocol: UDP, port: 53}]
      """
    Then the probes have these outcomes:
      | from       | over | protocol | to            | port | outcome   | source seen | reason                  |
      | shop/batch | eth0 | tcp      | shop/db       | 5432 | delivered | sender      | -                       |
      | shop/batch | eth0 | tcp      | shop/web      | 8080 | dropped   | -           | egress of pod shop/batch |
      | shop/batch | eth0 | udp      | external IPv4 | 53   | delivered | sender      | -                       |
      | shop/batch | eth0 | tcp      | external IPv4 | 443  | dropped   | -           | shop/batch-egress       |
      | shop/web   | eth0 | tcp      | external IPv4 | 443  | delivered | sender      | -                       |

  @RA2:ra2.ntw.014
  Scenario: A pod isolated for ingress still gets the replies of the connections it opens
    When the Kubernetes manifests are applied:
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: default-deny-ingress, namespace: shop}
      spec:
        podSelector: {}
        policyTypes: [Ingress]
      """
    Then the probes have these outcomes:
      | from                  | over | protocol | to                    | port | outcome   | source seen | reason                        |
      | shop/web              | eth0 | tcp      | monitoring/prometheus | 9090 | delivered | sender      | -                             |
      | shop/web              | eth0 | udp      | external IPv4         | 53   | delivered | sender      | -                             |
      | monitoring/prometheus | eth0 | tcp      | shop/web              | 8080 | dropped   | -           | shop/default-deny-ingress     |
      | external              | -    | tcp      | shop/web              | 8080 | dropped   | -           | shop/default-deny-ingress     |
