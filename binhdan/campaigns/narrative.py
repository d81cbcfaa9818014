"""The narrative sections of a report, pre-filled from its figures in administrative Vietnamese.

Officers edit them before submitting; the document itself is always in Vietnamese.
"""

from __future__ import annotations


def number(value) -> str:
    """1234567 → "1.234.567"; 12.5 → "12,5"."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        whole, frac = f"{value:.1f}".split(".")
        return f"{int(whole):,}".replace(",", ".") + "," + frac
    return f"{int(value):,}".replace(",", ".")


def percent(value) -> str:
    """A percentage given on the 0–100 scale of binhdan.kpi: 85.5 → "85,5%"."""
    if value is None:
        return "—"
    return number(round(float(value), 1)) + "%"


def _formatted(row: dict, value) -> str:
    kind = row.get("kind")
    if value is None:
        return "—"
    if kind == "percent":
        return percent(value)
    if kind == "count":
        return number(int(value))
    return number(round(float(value), 1))


def value_text(row: dict) -> str:
    if row.get("kind") == "count" and row.get("numerator") is not None:
        return number(row["numerator"])
    return _formatted(row, row.get("value"))


def target_text(row: dict) -> str:
    return _formatted(row, row.get("target"))


def _met(row: dict) -> bool:
    """Reached its target (binhdan.kpi status "green", or no gap left)."""
    status = (row.get("status") or "").lower()
    if status and status != "none":
        return status == "green"
    gap = row.get("gap")
    return gap is not None and gap <= 0


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def results(figures: dict, unit_name: str) -> str:
    parts = []
    rows = [r for r in figures.get("indicators", []) if r.get("kind") != "count" and r.get("target") is not None]
    if rows:
        met = [r for r in rows if _met(r)]
        parts.append(
            f"Đến thời điểm báo cáo, {_lower_first(unit_name)} đã hoàn thành {len(met)}/{len(rows)} chỉ tiêu của phong trào "
            "“Bình dân học vụ số”. " + "; ".join(
                f"{r['name']}: {value_text(r)}" + (f" (chỉ tiêu {target_text(r)})" if r.get("target") is not None
                                                   else "") for r in rows) + ".")
    else:
        known = [r for r in figures.get("indicators", []) if r.get("kind") == "percent" and r.get("denominator")]
        if known:
            parts.append(f"Đến thời điểm báo cáo, tại {_lower_first(unit_name)}: " + "; ".join(
                f"{_lower_first(r['name'])} đạt {value_text(r)} ({number(r['numerator'])}/{number(r['denominator'])})"
                for r in known) + ".")
    counts = [c for c in figures.get("counts") or [] if c.get("change")]
    if counts:
        parts.append("Trong kỳ: " + "; ".join(f"{_lower_first(c['name'])} tăng {number(c.get('change'))}"
                                               for c in counts) + ".")
    acts = figures.get("activities_compiled") or figures.get("activities") or {}
    total = acts.get("total") or {}
    if total.get("count"):
        kinds = "; ".join(f"{k['label'].lower()}: {number(k['count'])} hoạt động" for k in acts.get("by_kind", []))
        parts.append(
            f"Công tác tuyên truyền được triển khai với {number(total['count'])} hoạt động ({kinds}), "
            f"tiếp cận khoảng {number(total.get('reached'))} lượt người.")
    else:
        parts.append("Trong kỳ chưa ghi nhận hoạt động tuyên truyền trên hệ thống.")
    tasks = figures.get("tasks") or []
    if tasks:
        done = sum(1 for t in tasks if t["status"] == "done")
        going = sum(1 for t in tasks if t["status"] == "in_progress")
        parts.append(f"Về thực hiện nhiệm vụ theo kế hoạch: {done}/{len(tasks)} nhiệm vụ đã hoàn thành, "
                     f"{going} nhiệm vụ đang triển khai.")
    if figures.get("submissions"):
        subs = figures["submissions"]
        on_time = sum(1 for s in subs if s["state"] == "on_time")
        late = sum(1 for s in subs if s["state"] == "late")
        parts.append(f"Có {on_time + late}/{len(subs)} xã, phường gửi báo cáo ({on_time} đúng hạn, {late} chậm); "
                     f"báo cáo này tổng hợp từ {figures.get('compiled_from', 0)} báo cáo đã được tiếp nhận.")
    return "\n".join(parts)


def limitations(figures: dict) -> str:
    parts = []
    behind = [r for r in figures.get("indicators", []) if r.get("kind") != "count" and r.get("target") is not None
              and not _met(r)]
    if behind:
        parts.append("Một số chỉ tiêu chưa đạt: " + "; ".join(
            f"{r['name']} mới đạt {value_text(r)} so với chỉ tiêu {target_text(r)}" for r in behind) + ".")
    overdue = [t for t in figures.get("tasks") or [] if t.get("overdue")]
    if overdue:
        parts.append(f"Còn {len(overdue)} nhiệm vụ quá hạn chưa hoàn thành.")
    missing = [s for s in figures.get("submissions") or [] if s["state"] == "missing"]
    if missing:
        parts.append(f"Còn {len(missing)} xã, phường chưa gửi báo cáo: " + ", ".join(s["name"] for s in missing) + ".")
    if not parts:
        parts.append("Không có hạn chế lớn; cần duy trì kết quả đã đạt được.")
    return "\n".join(parts)


def causes(figures: dict) -> str:
    return ("Một bộ phận người dân, nhất là người cao tuổi, đồng bào ở vùng sâu, vùng xa chưa có điện thoại "
            "thông minh hoặc còn e ngại khi sử dụng; lực lượng hỗ trợ tại thôn, bản còn mỏng; công tác phối hợp "
            "giữa các đơn vị có lúc chưa chặt chẽ.")


def proposals(figures: dict) -> str:
    parts = ["Tiếp tục đẩy mạnh tuyên truyền, hướng dẫn “cầm tay chỉ việc” đến từng hộ gia đình, ưu tiên người "
             "cao tuổi và các thôn có tỷ lệ thấp."]
    behind = [r for r in figures.get("indicators", []) if r.get("kind") != "count" and r.get("target") is not None
              and not _met(r)]
    if behind:
        parts.append("Tập trung hoàn thành các chỉ tiêu: " + "; ".join(r["name"] for r in behind) + ".")
    overdue = [t for t in figures.get("tasks") or [] if t.get("overdue")]
    if overdue:
        parts.append("Khẩn trương hoàn thành các nhiệm vụ quá hạn: " + "; ".join(
            t["title"][:120] for t in overdue[:5]) + ".")
    parts.append("Đề nghị cấp trên tiếp tục quan tâm hỗ trợ tài liệu, thiết bị và kinh phí cho các tổ công nghệ "
                 "số cộng đồng.")
    return "\n".join(parts)


def prefill(figures: dict, unit_name: str) -> dict:
    return {"results_text": results(figures, unit_name), "limitations_text": limitations(figures),
            "causes_text": causes(figures), "proposals_text": proposals(figures)}
