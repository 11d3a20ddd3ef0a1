package io.everycloud.portal.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.everycloud.testkit.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The portal in the system Chromium (SETUP.md), against this service and the {@link StandInServices}
 * stand-ins for user, claim, registry and firmware services (separate processes; the real journey
 * runs against the real suite in deploy/e2e). Screenshots of each step go to target/screenshots/.
 */
@QuarkusTest
class PortalBrowserTest {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    ChromeDriverService service;
    ChromeDriver driver;
    Path profile;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void screenshotFolder() throws IOException {
        Files.createDirectories(SCREENSHOTS);
    }

    /** A fresh chromedriver and browser profile per test: quitting a driver also ends its driver service. */
    @BeforeEach
    void openBrowser() throws IOException {
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        profile = Files.createTempDirectory("portal-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1280,900");
        driver = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (service != null && service.isRunning()) {
            service.stop();
        }
        given().auth().oauth2(Tokens.oem()).when().delete("/vendor/branding.json").then().statusCode(200);
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void theLandingPageShowsTheOemsBrandingAfterAnUpload() {
        String title = "Acme Thermostat " + UUID.randomUUID().toString().substring(0, 6);
        String json = defaultBranding().replace("\"Product portal\"", "\"" + title + "\"")
                .replace("#2C9DB6", "#AA3300").replace("\"themeType\": \"dark\"", "\"themeType\": \"light\"")
                .replace("This is your main slogan here", "Warm homes, small bills");
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body(json).when().put("/vendor/branding.json")
                .then().statusCode(200);

        open("/");
        assertThat(driver.getTitle()).isEqualTo(title);
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Warm homes, small bills");
        assertThat(css("--primary")).isEqualTo("#AA3300");
        WebElement button = driver.findElement(By.cssSelector("main .button"));
        assertThat(button.getCssValue("background-color")).isIn("rgba(170, 51, 0, 1)", "rgb(170, 51, 0)");
        assertThat(driver.findElement(By.tagName("body")).getAttribute("class")).contains("theme-light");
        assertThat(driver.findElement(By.cssSelector(".hero img")).getAttribute("alt")).isEqualTo("B-L475E-IOT01A (model)");
        assertThat((Long) js("return document.querySelector('.brand img').naturalWidth;")).as("the logo loaded").isPositive();
        assertThat((Long) js("return document.querySelector('.hero img').naturalWidth;")).as("the device picture loaded").isPositive();
        screenshot("01-landing-branded");
    }

    @Test
    void thePortalFitsAPhoneScreen() {
        driver.manage().window().setSize(new Dimension(390, 844));
        open("/");
        long scrollWidth = (Long) js("return document.documentElement.scrollWidth;");
        long innerWidth = (Long) js("return window.innerWidth;");
        assertThat(scrollWidth).as("no sideways scrolling on a phone").isLessThanOrEqualTo(innerWidth);
        WebElement picture = driver.findElement(By.cssSelector(".hero img"));
        assertThat(picture.isDisplayed()).isTrue();
        assertThat(picture.getRect().getWidth()).isLessThanOrEqualTo(390);
        screenshot("02-landing-phone");
        open("/login");
        assertThat(driver.findElement(By.id("email")).getRect().getWidth()).isLessThanOrEqualTo(390);
        screenshot("03-login-phone");
    }

    @Test
    void theQrCodesClaimUrlIsCarriedThroughSignUpToTheClaimPage() {
        String email = "new-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        // the seed's QR URL with a URL-encoded claim code holding + & and a space
        open("/#/?claim=AB%2BC%26D%201&product=dev-product");
        waiting().until(ExpectedConditions.urlContains("/login"));
        assertThat(driver.findElement(By.cssSelector(".alert.success")).getText()).contains("claim your device");
        screenshot("10-qr-to-login");

        driver.findElement(By.linkText("Create an account")).click();
        waiting().until(ExpectedConditions.urlContains("/signup"));
        driver.findElement(By.id("email")).sendKeys(email);
        driver.findElement(By.id("password")).sendKeys("a good long password");
        screenshot("11-signup");
        driver.findElement(By.cssSelector("form button[type=submit]")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Check your email"));
        screenshot("12-check-email");

        String token = given().baseUri(PortalPagesTest.standIn()).queryParam("email", email)
                .when().get("/_standin/verification").then().statusCode(200).extract().path("token");
        open("/verify?token=" + token);
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Your email is confirmed");
        screenshot("13-verified");
        driver.findElement(By.linkText("Sign in")).click();
        waiting().until(ExpectedConditions.urlContains("/login"));
        driver.findElement(By.id("email")).sendKeys(email);
        driver.findElement(By.id("password")).sendKeys("a good long password");
        driver.findElement(By.cssSelector("form button[type=submit]")).click();

        waiting().until(ExpectedConditions.urlContains("/claim"));
        assertThat(driver.findElement(By.id("claim-code")).getText()).isEqualTo("AB+C&D 1");
        assertThat(driver.findElement(By.id("claim-preview")).getText()).contains("1 device").contains("dev-product");
        screenshot("14-claim-preview");
        driver.findElement(By.id("confirm-claim")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Device added"));
        screenshot("15-claimed");

        driver.findElement(By.cssSelector("main ul a")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("device-identity")));
        String identity = driver.findElement(By.id("device-identity")).getText();
        assertThat(identity).startsWith("claimed-");
        assertThat(driver.findElement(By.id("installed-version")).getText()).isEqualTo("1.0.0");
        new Select(driver.findElement(By.id("version"))).selectByValue("1.1.0");
        driver.findElement(By.id("request-update")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("notice")));
        assertThat(driver.findElement(By.id("notice")).getText()).contains("1.1.0");
        assertThat(driver.findElement(By.id("ota-state")).getText()).isEqualTo("REQUESTED 1.1.0");
        screenshot("16-update-requested");

        open("/account");
        driver.findElement(By.id("sign-out")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("body[data-page=landing]")));
        assertThat(driver.findElements(By.linkText("Sign in"))).isNotEmpty();
        assertThat(driver.manage().getCookieNamed("ec_session")).isNull();
        screenshot("17-signed-out");
    }

    @Test
    void loginErrorsAreShownReadablyAndKeepTheEmail() {
        open("/login");
        driver.findElement(By.cssSelector("form button[type=submit]")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("form-error")));
        assertThat(driver.findElement(By.id("form-error")).getText()).contains("Please enter your email address and your password.");

        driver.findElement(By.id("email")).sendKeys(StandInServices.ALICE);
        driver.findElement(By.id("password")).sendKeys("not the password");
        driver.findElement(By.cssSelector("form button[type=submit]")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("form-error"), "Wrong email or password"));
        assertThat(driver.findElement(By.id("form-error")).getAttribute("role")).isEqualTo("alert");
        assertThat(driver.findElement(By.id("email")).getAttribute("value")).isEqualTo(StandInServices.ALICE);
        assertThat(driver.findElement(By.id("password")).getAttribute("value")).isEmpty();
        screenshot("20-login-error");
    }

    @Test
    void anotherUsersDevicePageShowsNotFound() {
        open("/login");
        driver.findElement(By.id("email")).sendKeys(StandInServices.ALICE);
        driver.findElement(By.id("password")).sendKeys(StandInServices.PASSWORD);
        driver.findElement(By.cssSelector("form button[type=submit]")).click();
        waiting().until(ExpectedConditions.urlContains("/devices"));
        assertThat(driver.findElement(By.tagName("main")).getText()).contains(StandInServices.ALICE_DEVICE)
                .doesNotContain(StandInServices.BOB_DEVICE);
        screenshot("30-my-devices");
        open("/devices/" + StandInServices.BOB_DEVICE);
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Page not found");
        assertThat(driver.getPageSource()).doesNotContain(StandInServices.BOB_DEVICE);
        screenshot("31-foreign-device-404");
    }

    @Test
    void formsAreLabelledKeyboardReachableAndReadable() {
        for (String path : new String[] {"/", "/login", "/signup", "/password-reset"}) {
            open(path);
            Boolean labelled = (Boolean) js("return [...document.querySelectorAll('input:not([type=hidden]), select')]"
                    + ".every(i => i.labels && i.labels.length > 0 && i.labels[0].textContent.trim().length > 0);");
            assertThat(labelled).as("every field on " + path + " has a visible label").isTrue();
            // WCAG contrast of the primary button's text on its background (AA asks for 4.5:1)
            Number contrast = (Number) js("const b = document.querySelector('main .button, main button');"
                    + "const s = getComputedStyle(b);"
                    + "const lum = c => { const [r, g, bl] = c.match(/\\d+/g).slice(0, 3).map(v => { v /= 255;"
                    + "  return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });"
                    + "  return 0.2126 * r + 0.7152 * g + 0.0722 * bl; };"
                    + "const a = lum(s.color), c = lum(s.backgroundColor);"
                    + "return (Math.max(a, c) + 0.05) / (Math.min(a, c) + 0.05);");
            assertThat(contrast.doubleValue()).as("button text contrast on " + path).isGreaterThanOrEqualTo(4.5);
        }
        open("/login");
        driver.findElement(By.tagName("body")).sendKeys(Keys.TAB);
        assertThat(driver.switchTo().activeElement().getText()).isEqualTo("Skip to content");
        driver.findElement(By.id("email")).sendKeys(StandInServices.ALICE, Keys.TAB, StandInServices.PASSWORD, Keys.ENTER);
        waiting().until(ExpectedConditions.urlContains("/devices"));
        screenshot("40-signed-in-by-keyboard");
    }

    private static String defaultBranding() {
        try (var in = PortalBrowserTest.class.getClassLoader().getResourceAsStream("branding/defaults/branding.json")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void open(String path) {
        driver.get(base.toString().replaceAll("/$", "") + path);
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    private Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    private String css(String variable) {
        return ((String) js("return getComputedStyle(document.documentElement).getPropertyValue('" + variable + "');")).trim();
    }

    private void screenshot(String name) {
        try {
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("could not save the screenshot " + name, e);
        }
    }
}
