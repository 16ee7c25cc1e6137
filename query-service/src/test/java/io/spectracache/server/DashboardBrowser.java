package io.spectracache.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard as a person sees it, in Debian's headless Chromium driven by Selenium through Debian's chromedriver
 * (no browser is downloaded). Without them the check is skipped, loudly: CI installs both ({@code .ci/run}).
 */
final class DashboardBrowser {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardBrowser.class);
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private DashboardBrowser() {
    }

    /**
     * Opens the page, waits until the ingest figure shows a rate above zero and the map shows devices, searches a
     * device by {@code prefix}, opens the first result and waits for its state and its chart; waits for the
     * distinct-count chart with today's total and its group selector listing groups, the top-K table (a click on its
     * first device opens that device, with the fences it is in), a "seen?" answer for the device, and the geofences
     * (drawn on the map, each with how many devices are inside); saves a screenshot.
     */
    static void check(String url, String prefix, int fences, String fenceWithDevices, Path screenshot) throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present) {
            String message = "SKIPPED: the dashboard browser test needs Debian's chromium and chromium-driver ("
                    + CHROMIUM + ", " + CHROMEDRIVER + "): apt-get install -y chromium chromium-driver";
            System.err.println("\n!!!!! " + message + " !!!!!\n");
            LOG.warn(message);
        }
        assumeTrue(present, "chromium and chromium-driver are not installed");
        Path profile = Files.createTempDirectory("spectracache-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1600,2400");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            driver.get(url);
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
            wait.ignoring(StaleElementReferenceException.class); // panels are redrawn while the test reads them
            wait.until(d -> Double.parseDouble(d.findElement(By.id("ingest-rate")).getAttribute("data-rate")) > 0);
            wait.until(d -> Integer.parseInt(d.findElement(By.id("map-count")).getAttribute("data-count")) > 0);
            wait.until(d -> !d.findElements(By.cssSelector("#chart-ingest canvas")).isEmpty());

            driver.findElement(By.id("device-search")).sendKeys(prefix);
            wait.until(d -> !d.findElements(By.cssSelector("#device-results li.device-result")).isEmpty());
            List<WebElement> results = driver.findElements(By.cssSelector("#device-results li.device-result"));
            String device = results.get(0).getText();
            assertThat(device).startsWith(prefix);
            results.get(0).click();
            wait.until(d -> device.equals(d.findElement(By.id("device-state")).getAttribute("data-device")));
            assertThat(driver.findElement(By.id("device-state")).getText()).contains(device).contains("last seen");
            wait.until(d -> Integer.parseInt(d.findElement(By.id("device-chart")).getAttribute("data-points")) > 0);
            wait.until(d -> !d.findElements(By.cssSelector("#cluster tbody tr")).isEmpty());
            wait.until(d -> !d.findElements(By.cssSelector("#dlq tbody tr td")).isEmpty());

            // Distinct counts: a chart of the last hour with buckets, today's total above zero, groups listed.
            wait.until(d -> !d.findElements(By.cssSelector("#distinct-list .distinct-block[data-name='devices'] canvas")).isEmpty());
            wait.until(d -> number(d.findElement(By.cssSelector(".distinct-block[data-name='devices']")), "data-buckets") > 0
                    && number(d.findElement(By.cssSelector(".distinct-block[data-name='devices']")), "data-estimate") > 0);
            wait.until(d -> number(d.findElement(By.cssSelector(".distinct-block[data-name='devices'] select.distinct-group")),
                    "data-groups") > 0);

            // Top-K: a table of devices with counts and bounds; a click opens the device view, with its fences.
            wait.until(d -> !d.findElements(By.cssSelector(".topk-block[data-name='noisiest-devices'] tr.topk-item")).isEmpty());
            // The table is redrawn every 10 s: read and click the row in one step, again if it was redrawn meanwhile.
            String[] clicked = new String[2];
            wait.until(d -> {
                try {
                    WebElement heaviest = d.findElement(By.cssSelector(".topk-block[data-name='noisiest-devices'] tr.topk-item"));
                    clicked[0] = heaviest.getAttribute("data-item");
                    clicked[1] = heaviest.getText();
                    heaviest.click();
                    return true;
                } catch (StaleElementReferenceException redrawn) {
                    return false;
                }
            });
            String noisy = clicked[0];
            assertThat(clicked[1]).contains(noisy).containsPattern("\\d+–\\d+");
            wait.until(d -> noisy.equals(d.findElement(By.id("device-state")).getAttribute("data-device")));
            wait.until(d -> !d.findElements(By.cssSelector("#device-state tr.device-fences")).isEmpty());

            // Seen? The device just opened was seen.
            driver.findElement(By.id("membership-item")).sendKeys(noisy);
            driver.findElement(By.cssSelector("#membership-form button")).click();
            wait.until(d -> "maybe".equals(d.findElement(By.id("membership-answer")).getAttribute("data-answer")));

            // Geofences: drawn on the map, every one with its count of devices inside.
            wait.until(d -> number(d.findElement(By.id("map")), "data-fences") >= fences);
            wait.until(d -> d.findElements(By.cssSelector("#fences tbody tr[data-fence]")).size() >= fences
                    && d.findElements(By.cssSelector("#fences tbody tr[data-fence]")).stream()
                    .allMatch(row -> !row.getAttribute("data-inside").isEmpty()));
            wait.until(d -> number(d.findElement(By.cssSelector("#fences tbody tr[data-fence='" + fenceWithDevices + "']")),
                    "data-inside") > 0);
            driver.executeScript("window.scrollTo(0, 0)"); // the click on the top-K row scrolled the page
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            driver.quit();
            service.stop();
            TestCluster.deleteQuietly(profile); // Chromium's profile is a few MB per run
        }
    }

    private static double number(WebElement element, String attribute) {
        String value = element.getAttribute(attribute);
        return value == null || value.isEmpty() ? 0 : Double.parseDouble(value);
    }
}
