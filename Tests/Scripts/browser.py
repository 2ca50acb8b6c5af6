#!/usr/bin/env python3
"""The daily work of a coordinator and a bureau official in a real browser (run by browser.sh).

Drives Debian's chromium through chromedriver with selenium against a running `esw serve`:
ESW_WEB_URL, the two users' one-time passwords, ESW_WEB_ARTIFACTS (a screenshot of every page)
and ESW_WEB_WORK (scratch files). Exits 1 with the failed step's name on the first failure."""
import csv
import io
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ["ESW_WEB_URL"]
ARTIFACTS = os.environ["ESW_WEB_ARTIFACTS"]
WORK = os.environ["ESW_WEB_WORK"]
SHENZHEN = "91440305200000195U"
shots = 0


def check(condition, step):
    if not condition:
        print(f"FAIL: {step}", file=sys.stderr)
        shot("failure")
        sys.exit(1)
    print(f"ok: {step}")


def shot(name):
    global shots
    shots += 1
    # The whole page, not only the window: set the window to the document's height first.
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(900, min(height + 40, 4000)))
    driver.save_screenshot(os.path.join(ARTIFACTS, f"{shots:02d}-{name}.png"))
    driver.set_window_size(1280, 900)


def text():
    return driver.find_element(By.TAG_NAME, "body").text


def fill(name, value):
    field = driver.find_element(By.NAME, name)
    field.clear()
    field.send_keys(value)


def submit(form_action_part=None, button_text=None):
    """Clicks a form's submit button and waits until the next page has loaded (a click returns
    before the browser has left the page)."""
    # A mark on the old page's window: the next page has none. (Waiting for the old <html> to go
    # stale raised "Node with given id does not belong to the document" mid-navigation in CI.)
    driver.execute_script("window.eswLeaving = true")
    if button_text:
        buttons = [b for b in driver.find_elements(By.TAG_NAME, "button") if button_text in b.text]
        check(buttons, f"a button '{button_text}' on {driver.current_url}")
        buttons[0].click()
    else:
        driver.find_element(By.CSS_SELECTOR, f"form[action*='{form_action_part}'] button[type=submit]").click()
    WebDriverWait(driver, 30).until(next_page_loaded)


def next_page_loaded(d):
    try:
        return d.execute_script("return !window.eswLeaving && document.readyState === 'complete'")
    except WebDriverException:
        return False  # the browser is between the two pages


def downloaded(suffix, step):
    """Waits (up to 30 s) for a finished download whose name ends with `suffix`; returns its bytes."""
    for _ in range(300):
        done = [n for n in os.listdir(DOWNLOADS) if n.endswith(suffix)]
        if done:
            with open(os.path.join(DOWNLOADS, done[0]), "rb") as f:
                return f.read()
        time.sleep(0.1)
    check(False, step)


def sign_in(name, one_time, new_password):
    driver.get(BASE + "/login")
    shot(f"login-{name}")
    fill("name", name)
    fill("password", one_time)
    submit("/login")
    check(driver.current_url.endswith("/password"), f"{name}: a one-time password leads to the password form")
    shot(f"password-{name}")
    fill("current", one_time)
    fill("new", new_password)
    fill("repeat", new_password)
    submit("/password")
    check(driver.current_url.rstrip("/") == BASE, f"{name}: after the new password, the home page")


def shenzhen_staff():
    """ID numbers of the sample's Shenzhen staff who have not left."""
    with open("data/sample/staff-guangdong-gb18030.csv", encoding="gb18030", newline="") as f:
        rows = list(csv.reader(f))
    found = [row[1] for row in rows[1:] if len(row) >= 6 and row[2] == SHENZHEN and not row[5].strip()]
    return list(dict.fromkeys(found))  # once each: a person may work in two departments


def id_number(seed):
    """A resident ID number with a valid check digit (GB 11643), born 1990, of Nanshan district."""
    body = f"440305199001{seed:02d}{100 + seed:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(body, weights))
    return body + "10X98765432"[total % 11]


options = webdriver.ChromeOptions()
for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                 "--lang=zh-CN"):
    options.add_argument(argument)
DOWNLOADS = os.path.join(WORK, "downloads")
os.makedirs(DOWNLOADS, exist_ok=True)
options.add_experimental_option("prefs", {"download.default_directory": DOWNLOADS,
                                          "download.prompt_for_download": False})
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    # 1. The coordinator: first sign-in, own password, home page.
    sign_in("web-coordinator", os.environ["ESW_WEB_COORDINATOR_PASSWORD"], "a coordinator's own password")
    check("深圳南山电子制造有限公司" in text(), "the coordinator's home page names the enterprise")
    check(driver.find_elements(By.CSS_SELECTOR, "svg"), "the home page has the trend chart")
    shot("coordinator-home")

    # 2. A roster with one bad row: the error table, nothing written; then the good rows.
    roster = os.path.join(WORK, "新员工.csv")
    with open(roster, "w", encoding="utf-8", newline="") as f:
        f.write("姓名,公民身份号码,统一社会信用代码,部门,入职日期,离职日期\r\n")
        f.write(f"林小雨,{id_number(1)},{SHENZHEN},工会,2013-03-01,\r\n")
        f.write(f"周一鸣,{id_number(2)[:-1]}0,{SHENZHEN},工会,2013-03-01,\r\n")  # a wrong check digit
    driver.get(BASE + "/staff/import")
    shot("staff-import-form")
    driver.find_element(By.NAME, "file").send_keys(roster)
    submit("/staff/import")
    body = text()
    check("原因" in body and driver.find_elements(By.CSS_SELECTOR, "table tbody tr"),
          "a bad row shows the error table")
    check(id_number(2)[:-1] + "0" not in driver.page_source, "the error table masks the bad ID number")
    check("林小雨" not in body or "已导入" not in body, "with a bad row nothing is imported yet")
    shot("staff-import-errors")
    submit(button_text="导入其余行")
    shot("staff-import-rest")
    driver.get(BASE + "/staff?q=林小雨")
    check("林小雨" in text(), "importing the other rows adds the good one")
    shot("staff-list")

    # 3. An event of two seats: enroll three, the third waits; cancel one, the third moves up.
    driver.get(BASE + "/events/new")
    fill("title", "企业社会工作专题讲座")
    Select(driver.find_element(By.NAME, "kind")).select_by_visible_text("专家讲座")
    fill("starts", "2027-03-10 09:00")
    fill("ends", "2027-03-10 12:00")
    fill("hours", "3")
    fill("capacity", "2")
    fill("location", "深圳市南山区")
    shot("event-new")
    submit("/events/new")
    check("/events/" in driver.current_url and "企业社会工作专题讲座" in text(), "the new event's page")
    event_page = driver.current_url
    people = shenzhen_staff()[:3]
    for person in people:
        fill("id_number", person)
        submit("/enroll")
        driver.get(event_page)
    body = text()
    check("候补 1 人" in body, "the third enrollment goes on the waitlist")
    shot("event-waitlist")
    submit(button_text="取消报名")
    check("递补" in text(), "cancelling a seat promotes the first on the waitlist")
    shot("event-promotion")
    submit(button_text="退出")

    # 4. HR: the ratio by department and by level at a past date, the hours gaps, the exams.
    sign_in("web-hr", os.environ["ESW_WEB_HR_PASSWORD"], "an HR officer's own password")
    check("深圳南山电子制造有限公司" in text(), "HR's home page names the enterprise")
    driver.get(BASE + "/ratio")
    fill("date", "2013年6月30日")
    submit("/ratio")
    body = text()
    check("分部门" in body and "分等级" in body and "2013年6月30日" in body,
          "HR reads the ratio by department and by level on a chosen date")
    check(driver.find_elements(By.CSS_SELECTOR, "svg"), "with the trend chart")
    shot("hr-ratio")
    driver.get(BASE + "/hours")
    check("继续教育" in text() or "学时" in text(), "HR reads who is short of continuing-education hours")
    check(not any(person in driver.page_source for person in shenzhen_staff()),
          "HR sees no whole ID number on the hours page")
    shot("hr-hours")
    driver.get(BASE + "/exams")
    check("考试" in text(), "HR reads the exam sessions")
    shot("hr-exams")
    submit(button_text="退出")

    # 5. The region coordinator: the region's enterprises ranked, and a seminar for the region.
    sign_in("web-region", os.environ["ESW_WEB_REGION_PASSWORD"], "a region coordinator's own password")
    body = text()
    check("深圳南山电子制造有限公司" in body and "广州天河纺织集团有限公司" not in body,
          "the region coordinator ranks Shenzhen's enterprises, not Guangzhou's")
    shot("region-home")
    driver.get(BASE + "/events/new")
    fill("title", "南山区企业社会工作研讨会")
    Select(driver.find_element(By.NAME, "kind")).select_by_visible_text("研讨会")
    fill("starts", "2027-04-15 14:00")
    fill("ends", "2027-04-15 17:00")
    fill("hours", "3")
    fill("capacity", "30")
    fill("location", "深圳市南山区")
    submit("/events/new")
    check("/events/" in driver.current_url and "南山区企业社会工作研讨会" in text(),
          "the region coordinator schedules a regional seminar")
    shot("region-event")
    submit(button_text="退出")

    # 6. The province bureau: its enterprises ranked by ratio, none of another province.
    sign_in("web-bureau", os.environ["ESW_WEB_BUREAU_PASSWORD"], "a bureau official's own password")
    body = text()
    check("深圳南山电子制造有限公司" in body and "广州天河纺织集团有限公司" in body,
          "the bureau's table ranks Guangdong's enterprises")
    check("北京朝阳精密仪器有限公司" not in body, "and no enterprise of another province")
    shot("bureau-home")
    driver.set_window_size(390, 844)
    driver.save_screenshot(os.path.join(ARTIFACTS, f"{shots + 1:02d}-bureau-home-phone.png"))
    driver.set_window_size(1280, 900)

    # 7. The bureau approves the pilot application, then downloads the region report and the
    # application's evidence pack.
    driver.get(BASE + "/pilots")
    shot("bureau-pilots")
    driver.find_element(By.LINK_TEXT, "深圳南山电子制造有限公司").click()
    WebDriverWait(driver, 30).until(lambda d: "/pilots/applications/" in d.current_url)
    approve = driver.find_element(By.XPATH, "//form[.//button[contains(., '已批准')]]")
    approve.find_element(By.NAME, "on").clear()
    approve.find_element(By.NAME, "on").send_keys("2013-06-20")
    submit(button_text="改为“已批准”")
    history = driver.find_element(By.CSS_SELECTOR, "div.table-scroll table").text
    check("已批准" in history and "2013" in history, "the approval is in the application's history")
    shot("bureau-application")
    driver.get(BASE + "/reports")
    shot("bureau-reports")
    Select(driver.find_element(By.NAME, "format")).select_by_value("csv")
    [b for b in driver.find_elements(By.TAG_NAME, "button") if "下载报告" in b.text][0].click()
    report = downloaded(".csv", "the region report downloads as CSV")
    check("深圳南山电子制造有限公司" in report.decode("utf-8-sig"), "the downloaded report lists the province's enterprises")
    driver.find_element(By.CSS_SELECTOR, "a[href^='/reports/evidence/']").click()
    check(downloaded(".zip", "the evidence pack downloads").startswith(b"PK"), "the evidence pack is a ZIP")
finally:
    driver.quit()
print(f"browser: {shots} pages saved in {ARTIFACTS}")
