@area:service-exposure
Feature: NodePort and ExternalName Services behave as Kubernetes defines them
  RA2 wants the NodePort (inf.ntw.17, ra2.k8s.017) and ExternalName (inf.ntw.18, ra2.k8s.018) Service types
  supported. Supported means they work, not that the API accepts them: a NodePort Service is given a node port in the
  default range 30000-32767 and a probe from a client outside the cluster to every node's address at that port reaches
  a ready pod of the Service, also through nodes that run none of its pods (one backend only here); an ExternalName
  Service gets no cluster IP and a pod's lookup of its short name, answered by the cluster DNS as an RFC 1035 response
  message, is a CNAME to the external name. The emulator's unit tests show the checks failing when a type is not
  implemented or the DNS does not answer the CNAME.

  Background:
    Given the scenario's namespace runs the pods:
      | pod   | labels  |
      | ems-0 | app=ems |

  @RA2:inf.ntw.17 @RA2:ra2.k8s.017
  Scenario: A NodePort Service answers on every node at its node port
    When the manifests are applied:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: ems
        namespace: ${namespace}
      spec:
        type: NodePort
        selector: {app: ems}
        ports:
        - {name: snmp, protocol: UDP, port: 161, targetPort: 1161}
      """
    Then Service "ems" has a node port between 30000 and 32767
    And a udp probe from outside to every node's address at that node port reaches a ready pod of Service "ems"

  @RA2:inf.ntw.18 @RA2:ra2.k8s.018
  Scenario: An ExternalName Service is a CNAME in the cluster DNS
    When the manifests are applied:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: charging
        namespace: ${namespace}
      spec:
        type: ExternalName
        externalName: ocs.operator.example.net
      """
    Then a pod of the namespace resolving "charging" gets a CNAME to "ocs.operator.example.net" from the cluster DNS, and the Service has no cluster IP
