@area:service-exposure
Feature: Ingress and the Gateway API route HTTP requests from outside by host and path
  RA2 wants Ingress supported (inf.ntw.16, ra2.k8s.016) and allows the load balancer to implement the Gateway API
  (ra2.ntw.019). The scenarios apply an Ingress (networking.k8s.io/v1) and a Gateway with an HTTPRoute
  (gateway.networking.k8s.io/v1) in front of two Services, then send probes from a client outside the cluster to the
  address in the object's status, each carrying a real HTTP/1.1 request in its TCP payload: each request must reach a
  pod of the Service its Host header and path select (longest path prefix wins; a prefix matches whole path elements,
  so /apiary is not under /api) with status 200, and a request for an unknown host must get 404 from the proxy. The
  emulator's unit tests show the routing check failing when the proxy ignores the Host header. The Gateway API is
  optional (a MAY): on a target that serves no GatewayClass that scenario is not applicable.

  Background:
    Given the scenario's namespace runs the pods:
      | pod    | labels  |
      | portal-0 | app=portal |
      | portal-1 | app=portal |
      | api-0    | app=api    |
    And the manifests are applied:
      """
      apiVersion: v1
      kind: Service
      metadata: {name: portal, namespace: ${namespace}}
      spec:
        selector: {app: portal}
        ports: [{protocol: TCP, port: 80, targetPort: 8080}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: api, namespace: ${namespace}}
      spec:
        selector: {app: api}
        ports: [{protocol: TCP, port: 80, targetPort: 8080}]
      """

  @RA2:inf.ntw.16 @RA2:ra2.k8s.016
  Scenario: An Ingress routes on the Host header and the path
    When the manifests are applied:
      """
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: edge, namespace: ${namespace}}
      spec:
        rules:
        - host: portal.${namespace}.example.com
          http:
            paths:
            - {path: /, pathType: Prefix, backend: {service: {name: portal, port: {number: 80}}}}
            - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
        - host: api.${namespace}.example.com
          http:
            paths:
            - {path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
      """
    Then HTTP requests from outside through Ingress "edge" reach the pods of the Service of their host and path:
      | host                           | path          | service |
      | portal.${namespace}.example.com | /index.html   | portal  |
      | portal.${namespace}.example.com | /api/v1/users | api     |
      | portal.${namespace}.example.com | /apiary       | portal  |
      | api.${namespace}.example.com    | /             | api     |
      | unknown.example.com             | /             | -       |

  @RA2:ra2.ntw.019
  Scenario: A Gateway with an HTTPRoute routes on the Host header and the path
    Given the target serves the Gateway API
    When the manifests are applied:
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: gw, namespace: ${namespace}}
      spec:
        gatewayClassName: ${gatewayClass}
        listeners:
        - {name: http, protocol: HTTP, port: 8080}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: portal, namespace: ${namespace}}
      spec:
        parentRefs: [{name: gw}]
        hostnames: [portal.example.com]
        rules:
        - matches: [{path: {type: PathPrefix, value: /api}}]
          backendRefs: [{name: api, port: 80}]
        - backendRefs: [{name: portal, port: 80}]
      """
    Then Gateway "gw" lists 1 attached HTTPRoute
    And HTTP requests from outside through Gateway "gw" port 8080 reach the pods of the Service of their host and path:
      | host               | path       | service |
      | portal.example.com | /          | portal  |
      | portal.example.com | /api/v2    | api     |
      | other.example.com  | /          | -       |
