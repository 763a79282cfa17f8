// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Descriptors.Tests.Vnfd;

/// <summary>The one-unit container VNFD the descriptor tests start from (line numbers are stable: tests name them).</summary>
internal static class TestVnfd
{
    /// <summary>A VNFD of one container unit with two kernel-virtio connection points, left (line 13) and right (line 15).</summary>
    /// <param name="id">vnfd.id.</param>
    /// <param name="version">vnfd.version.</param>
    /// <param name="function">vnfd.function.</param>
    /// <param name="unit">The deployment unit's name.</param>
    /// <param name="realisation">Lines appended to the unit from line 17 (indented by 6), or empty.</param>
    /// <returns>The YAML.</returns>
    public static string Container(string id, string version, string function, string unit, string realisation = "") => $$"""
        vnfd:
          id: {{id}}
          version: "{{version}}"
          provider: ACME
          function: {{function}}
          deployment_units:
            - name: {{unit}}
              kind: container
              image: nfvc/cnf-router:1
              cores: 1
              memory_mb: 64
              connection_points:
                - name: left
                  attachment: [kernel-virtio]
                - name: right
                  attachment: [kernel-virtio]

        """ + realisation;
}
