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
     * device by {@code prefix}, opens the first result and waits for its state and its chart; saves a screenshot.
     */
    static void check(String url, String prefix, Path screenshot) throws IOException {
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
                "--user-data-dir=" + profile, "--window-size=1600,1700");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            driver.get(url);
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
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
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            driver.quit();
            service.stop();
        }
    }
}
