package io.everycloud.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One person's browser: the system Chromium (SETUP.md) driven through chromedriver, headless, with
 * a fresh profile (no cookies, cache or history from any earlier run), on the suite's public
 * address. Every step can be photographed into the screenshot folder, and a failed wait says which
 * journey and step it was, on which page, showing what.
 */
final class PortalBrowser implements AutoCloseable {

    /** Longest wait for a page that does not depend on events between services. */
    static final Duration PAGE = Duration.ofSeconds(30);

    private final String address;
    private final Path screenshots;
    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    PortalBrowser(String address, Path screenshots) throws IOException {
        this.address = address;
        this.screenshots = screenshots;
        Files.createDirectories(screenshots);
        profile = Files.createTempDirectory("e2e-chromium");
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1280,900");
        ChromeDriver started;
        try {
            started = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            deleteProfile();
            throw e;
        }
        driver = started;
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    WebDriver driver() {
        return driver;
    }

    /** Opens an address: a path of the public address, or an absolute URL (a QR code's, an email's link). */
    void open(String pathOrUrl) {
        driver.get(pathOrUrl.startsWith("http") ? pathOrUrl : address + pathOrUrl);
    }

    void phoneSize() {
        driver.manage().window().setSize(new Dimension(390, 844));
    }

    void desktopSize() {
        driver.manage().window().setSize(new Dimension(1280, 900));
    }

    WebElement find(By by) {
        return driver.findElement(by);
    }

    boolean present(By by) {
        return !driver.findElements(by).isEmpty();
    }

    String text(By by) {
        return driver.findElement(by).getText();
    }

    void type(By field, String text) {
        WebElement element = driver.findElement(field);
        element.clear();
        element.sendKeys(text);
    }

    /** The {@code data-page} of the body: which portal page this is. */
    String page() {
        return present(By.tagName("body")) ? String.valueOf(driver.findElement(By.tagName("body")).getAttribute("data-page")) : "";
    }

    Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    /** A CSS custom property of the document, as the page computed it. */
    String cssVariable(String name) {
        return String.valueOf(js("return getComputedStyle(document.documentElement).getPropertyValue('" + name + "');")).trim();
    }

    /** True when the page is no wider than the window: nothing to scroll sideways. */
    boolean fitsTheWindow() {
        Number scrollWidth = (Number) js("return document.documentElement.scrollWidth;");
        Number innerWidth = (Number) js("return window.innerWidth;");
        return scrollWidth.longValue() <= innerWidth.longValue();
    }

    String widths() {
        return "scrollWidth " + js("return document.documentElement.scrollWidth;") + ", window " + js("return window.innerWidth;");
    }

    Cookie cookie(String name) {
        return driver.manage().getCookieNamed(name);
    }

    void addCookie(Cookie cookie) {
        driver.manage().addCookie(cookie);
    }

    void forgetCookies() {
        driver.manage().deleteAllCookies();
    }

    /** Waits (bounded) for a condition of the current page, failing with the step's name. */
    <T> T await(String step, Duration timeout, ExpectedCondition<T> condition) {
        try {
            return new WebDriverWait(driver, timeout).until(condition);
        } catch (WebDriverException e) {
            throw failure(step + " (within " + timeout.toSeconds() + " s)", e);
        }
    }

    <T> T await(String step, ExpectedCondition<T> condition) {
        return await(step, PAGE, condition);
    }

    /**
     * Reloads a page until it shows what the step expects: for what another service learns
     * through events (ownership, firmware), which a person would see by reloading.
     */
    void reloadUntil(String step, String pathOrUrl, Duration timeout, Predicate<PortalBrowser> shown) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            open(pathOrUrl);
            if (safely(shown)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw failure(step + " (reloaded for " + timeout.toSeconds() + " s)", null);
            }
            PublicApi.sleep(Duration.ofSeconds(1));
        }
    }

    private boolean safely(Predicate<PortalBrowser> shown) {
        try {
            return shown.test(this);
        } catch (WebDriverException e) {
            return false;
        }
    }

    /** A screenshot of the window, named for the step, in the screenshot folder. */
    Path screenshot(String name) {
        Path target = screenshots.resolve(name + ".png");
        try {
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | WebDriverException e) {
            return null;
        }
        return target;
    }

    /** Keeps a picture the test got elsewhere (the QR code) next to the screenshots. */
    void keep(String name, byte[] png) throws IOException {
        Files.write(screenshots.resolve(name + ".png"), png);
    }

    /** An assertion error naming the step, the page the browser is on and what it shows, with a screenshot. */
    AssertionError failure(String step, Throwable cause) {
        String name = "FAILED-" + step.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("(^-|-$)", "");
        Path shot = screenshot(name.length() > 100 ? name.substring(0, 100) : name);
        String url;
        String shown;
        try {
            url = driver.getCurrentUrl();
            shown = present(By.tagName("main")) ? text(By.tagName("main")) : driver.getPageSource();
        } catch (WebDriverException e) {
            url = "?";
            shown = "(the browser did not answer: " + e.getMessage() + ")";
        }
        if (shown.length() > 1500) {
            shown = shown.substring(0, 1500) + "…";
        }
        AssertionError error = new AssertionError(step + "\n  page: " + url + "\n  shows: " + shown.replace("\n", " | ")
                + (shot == null ? "" : "\n  screenshot: " + shot));
        if (cause != null) {
            error.initCause(cause);
        }
        return error;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } catch (WebDriverException e) {
            // the browser is gone already
        }
        if (service.isRunning()) {
            service.stop();
        }
        deleteProfile();
    }

    private void deleteProfile() {
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder: left for the system to clean
        }
    }
}
