// Licensed under the Apache License, Version 2.0.
using Microsoft.Playwright;

namespace NfvConformance.Reports.Tests.Support;

/// <summary>Headless Chromium through Microsoft.Playwright, using the system Chromium (no browser download).</summary>
internal static class Browser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        Tools.RequireFile(ChromiumPath, "apt-get install -y chromium fonts-dejavu-core");
        IPlaywright playwright = await Playwright.CreateAsync();
        IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"],
        });
        return (playwright, browser);
    }

    /// <summary>
    /// Counts the non-white pixels of a PNG by decoding it in a blank page (a canvas), so "not blank" is judged by
    /// the browser's own decoder rather than by trusting the PNG's size.
    /// </summary>
    public static async Task<int> CountInkPixelsAsync(IBrowser browser, byte[] png)
    {
        IPage page = await browser.NewPageAsync();
        try
        {
            return await page.EvaluateAsync<int>(
                """
                async (src) => {
                  const img = new Image();
                  img.src = src;
                  await img.decode();
                  const c = document.createElement('canvas');
                  c.width = img.width; c.height = img.height;
                  const g = c.getContext('2d');
                  g.drawImage(img, 0, 0);
                  const d = g.getImageData(0, 0, c.width, c.height).data;
                  let ink = 0;
                  for (let i = 0; i < d.length; i += 4) { if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) ink++; }
                  return ink;
                }
                """,
                "data:image/png;base64," + Convert.ToBase64String(png));
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
