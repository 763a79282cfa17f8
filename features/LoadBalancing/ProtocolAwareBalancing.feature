@area:load-balancing
Feature: The load balancer keeps SCTP, MPTCP and QUIC sessions on one member and routes HTTP, HTTPS and HTTP/2 by content
  RM pas.lb.012-015 and pas.lb.017 ask for stateful SCTP and multipath-TCP balancing and for L7 balancing of HTTP,
  HTTPS, HTTP/2 and QUIC. Each is checked on real packets a client would send, and on what the member answered:
  - SCTP (RFC 9260): a multi-homed client opens an association from one address (INIT listing both), then sends DATA
    from both; the balancer must follow the association by its verification tag, so the member that answered the INIT
    acknowledges every DATA (a wrong member would ABORT an unknown tag). Packets with a bad CRC32c are dropped.
  - MPTCP (RFC 8684): after MP_CAPABLE exchanged the keys, a subflow joins from another address with MP_JOIN and the
    token (SHA-256 of the server's key); it must reach the member holding that key, which proves it by the join's
    HMAC-SHA256 (a wrong member resets an unknown token).
  - HTTP/1.1 requests on one keep-alive connection are routed by Host and path; HTTPS by the server name in the TLS
    ClientHello (real bytes from .NET's SslStream), passed through untouched.
  - HTTP/2 (RFC 9113): streams of one connection, HPACK-coded (RFC 7541: static table, Huffman-coded values entered
    in the dynamic table and referenced from it by later streams), are routed one by one
    by :authority and :path, so one connection reaches several pools.
  - QUIC (RFC 9000): the balancer routes by destination connection ID, so when the client migrates to a new address
    and port, its packets still reach the member that issued the connection ID, which answers on the connection.
  RM pas.lb.016 (HTTP/3) is not claimed: routing HTTP/3 requests needs the QUIC packets decrypted, which the emulator
  does not do (no QUIC/TLS stack; libmsquic is not installed).

  Background:
    Given the target has been discovered
    And a load balancer on VIP "10.64.0.10" in subnet "10.64.0.0/24" of network "tenant-a", zones "az-1,az-2", with 2 instances in nat mode
    And its members:
      | member | pool | address    | zone | subnet       |
      | app-1  | app  | 10.64.0.21 | az-1 | 10.64.0.0/24 |
      | app-2  | app  | 10.64.0.22 | az-2 | 10.64.0.0/24 |
      | app-3  | app  | 10.64.0.23 | az-2 | 10.64.0.0/24 |
      | api-1  | api  | 10.64.0.31 | az-1 | 10.64.0.0/24 |
      | api-2  | api  | 10.64.0.32 | az-2 | 10.64.0.0/24 |
      | img-1  | img  | 10.64.0.41 | az-1 | 10.64.0.0/24 |

  @RM:pas.lb.012
  Scenario: An SCTP association stays on one member over both of a multi-homed client's addresses
    Given its listener "diameter" for sctp on port 3868 to pool "app"
    And the load balancer is created
    Then 12 SCTP associations to port 3868 from two addresses each keep one member, which acknowledges DATA from both
    And an SCTP packet to port 3868 with a corrupted CRC32c is dropped as "bad_sctp_checksum"

  @RM:pas.lb.013
  Scenario: An MPTCP subflow that joins from another address reaches the member of its connection
    Given its listener "mptcp" for mptcp on port 443 to pool "app"
    And the load balancer is created
    Then 12 MPTCP connections to port 443 each join a subflow from a second address that reaches the connection's member

  @RM:pas.lb.014
  Scenario: HTTP requests are routed by Host and path, HTTPS connections by SNI
    Given its listener "http" for http on port 80 to pool "app"
    And listener "http" sends host "shop.example" and path "/api/" to pool "api"
    And listener "http" sends host "*" and path "/img/" to pool "img"
    And its listener "https" for https on port 443 to pool "app"
    And listener "https" sends host "api.example" and path "*" to pool "api"
    And the load balancer is created
    Then HTTP/1.1 requests on one connection to port 80 reach the pool of their host and path:
      | host         | path           | pool |
      | shop.example | /api/v1/cart   | api  |
      | shop.example | /img/logo.png  | img  |
      | shop.example | /index.html    | app  |
      | www.example  | /api/v1/cart   | app  |
      | www.example  | /img/a.png     | img  |
    And TLS connections to port 443 reach the pool of the server name in their ClientHello:
      | sni         | pool |
      | api.example | api  |
      | www.example | app  |

  @RM:pas.lb.015
  Scenario: HTTP/2 streams of one connection are routed one by one by :authority and :path
    Given its listener "h2" for http2 on port 443 to pool "app"
    And listener "h2" sends host "api.example" and path "*" to pool "api"
    And listener "h2" sends host "*" and path "/img/" to pool "img"
    And the load balancer is created
    Then HTTP/2 streams of one connection to port 443 reach the pool of their :authority and :path:
      | authority   | path       | pool |
      | api.example | /v1/orders | api  |
      | www.example | /img/a.png | img  |
      | www.example | /index     | app  |
      | api.example | /v1/users  | api  |

  @RM:pas.lb.017
  Scenario: A QUIC connection keeps its member when the client migrates
    Given its listener "quic" for quic on port 443 to pool "app"
    And the load balancer is created
    Then 12 QUIC connections to port 443 keep their member after the client migrates to a new address and port
