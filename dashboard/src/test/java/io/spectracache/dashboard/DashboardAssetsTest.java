package io.spectracache.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DashboardAssetsTest {
    @Test
    void shouldFindEveryListedAssetOnTheClasspath() {
        for (String path : DashboardAssets.paths()) {
            assertThat(DashboardAssets.find(path)).as(path).isPresent();
            assertThat(DashboardAssets.find(path).orElseThrow().bytes()).as(path).isNotEmpty();
        }
    }

    @Test
    void shouldServeOnlyListedPaths() {
        assertThat(DashboardAssets.find("/dashboard/../assets.properties")).isEmpty();
        assertThat(DashboardAssets.find("/META-INF/MANIFEST.MF")).isEmpty();
    }

    @Test
    void shouldLoadEveryScriptThePageNamesFromThisServer() {
        String page = new String(DashboardAssets.find("/").orElseThrow().bytes(), StandardCharsets.UTF_8);
        // No CDN at run time: every script and style comes from a path this module serves.
        for (String attribute : new String[] {"src=\"", "href=\""}) {
            int at = 0;
            while ((at = page.indexOf(attribute, at)) >= 0) {
                int start = at + attribute.length();
                String url = page.substring(start, page.indexOf('"', start));
                at = start;
                if (url.startsWith("/dashboard/")) {
                    assertThat(DashboardAssets.find(url)).as(url).isPresent();
                } else {
                    assertThat(url).as("a link to another page of this server").startsWith("/");
                }
            }
        }
    }

    @Test
    void shouldShipTheWorldOutlinesAsGeoJson() {
        String world = new String(DashboardAssets.find("/dashboard/world.json").orElseThrow().bytes(), StandardCharsets.UTF_8);
        assertThat(world).contains("\"FeatureCollection\"");
    }
}
