//! Fixed vocabularies of the generated corpus: topics (tags), authors, table labels and the
//! sentences that carry links. Every entry has a Kazakh and a Russian form.

/// Topics: `(key, kk, ru)`. Written to `taxonomies/tags.yaml` so term pages pair across
/// languages. Names use letters, spaces and hyphens only (Hugo term folders are derived
/// from them).
pub const TAGS: &[(&str, &str, &str)] = &[
    (
        "year-of-working-professions",
        "Жұмысшы мамандықтары жылы",
        "Год рабочих профессий",
    ),
    ("president", "Президент", "Президент"),
    ("government", "Үкімет", "Правительство"),
    ("parliament", "Парламент", "Парламент"),
    ("education", "Білім беру", "Образование"),
    ("colleges", "Колледждер", "Колледжи"),
    ("labour-market", "Еңбек нарығы", "Рынок труда"),
    ("employment", "Жұмыспен қамту", "Занятость"),
    ("industry", "Өнеркәсіп", "Промышленность"),
    ("agriculture", "Ауыл шаруашылығы", "Сельское хозяйство"),
    ("construction", "Құрылыс", "Строительство"),
    ("energy", "Энергетика", "Энергетика"),
    ("transport", "Көлік", "Транспорт"),
    ("healthcare", "Денсаулық сақтау", "Здравоохранение"),
    ("youth", "Жастар", "Молодежь"),
    ("science", "Ғылым", "Наука"),
    ("digitalization", "Цифрландыру", "Цифровизация"),
    ("economy", "Экономика", "Экономика"),
    ("investment", "Инвестициялар", "Инвестиции"),
    ("small-business", "Шағын бизнес", "Малый бизнес"),
    (
        "social-support",
        "Әлеуметтік қолдау",
        "Социальная поддержка",
    ),
    ("worldskills", "WorldSkills", "WorldSkills"),
    ("dual-education", "Дуальды оқыту", "Дуальное обучение"),
    ("mentoring", "Тәлімгерлік", "Наставничество"),
    ("career-guidance", "Кәсіптік бағдар", "Профориентация"),
    ("wages", "Жалақы", "Заработная плата"),
    ("labour-safety", "Еңбек қауіпсіздігі", "Охрана труда"),
    (
        "mining",
        "Тау-кен өнеркәсібі",
        "Горнодобывающая промышленность",
    ),
    ("oil-and-gas", "Мұнай-газ саласы", "Нефтегазовая отрасль"),
    ("metallurgy", "Металлургия", "Металлургия"),
    ("railways", "Теміржол", "Железная дорога"),
    ("housing", "Тұрғын үй", "Жилье"),
    ("culture", "Мәдениет", "Культура"),
    ("sport", "Спорт", "Спорт"),
    ("ecology", "Экология", "Экология"),
    ("tourism", "Туризм", "Туризм"),
    ("akimats", "Әкімдіктер", "Акиматы"),
    (
        "professional-standards",
        "Кәсіби стандарттар",
        "Профессиональные стандарты",
    ),
    ("labour-dynasties", "Еңбек әулеттері", "Трудовые династии"),
    (
        "skills-competitions",
        "Кәсіби шеберлік байқаулары",
        "Конкурсы профмастерства",
    ),
    (
        "vocational-education",
        "Техникалық және кәсіптік білім",
        "Техническое и профессиональное образование",
    ),
];

/// Authors `(kk, ru)`; about 60% of articles have one.
pub const AUTHORS: &[(&str, &str)] = &[
    ("Айгүл Серікова", "Айгуль Серикова"),
    ("Ержан Қасымов", "Ержан Касымов"),
    ("Дәурен Әбілов", "Даурен Абилов"),
    ("Гүлнар Тоқтарова", "Гульнар Токтарова"),
    ("Нұрлан Жақыпов", "Нурлан Жакупов"),
    ("Сәуле Омарова", "Сауле Омарова"),
    ("Бауыржан Исаев", "Бауыржан Исаев"),
    ("Мөлдір Ахметова", "Мольдир Ахметова"),
];

/// Row labels of the 3×3 table `(kk, ru)`.
pub const TABLE_ROWS: &[(&str, &str)] = &[
    ("Колледждер саны", "Число колледжей"),
    ("Студенттер", "Студенты"),
    ("Жаңа жұмыс орындары", "Новые рабочие места"),
    ("Мемлекеттік тапсырыс", "Государственный заказ"),
    ("Оқу орталықтары", "Учебные центры"),
    ("Серіктес кәсіпорындар", "Предприятия-партнеры"),
    ("Түлектер", "Выпускники"),
    ("Тәлімгерлер", "Наставники"),
];

/// Per language: table header, and the link sentence (`{article}` and `{section}` are
/// root-relative URLs; with no earlier article, `{article}` is the tags index).
pub struct LangText {
    pub code: &'static str,
    pub table_head: [&'static str; 3],
    pub links_article: &'static str,
    pub links_first: &'static str,
}

pub const KK: LangText = LangText {
    code: "kk",
    table_head: ["Көрсеткіш", "2024 жыл", "2025 жыл"],
    links_article: "Осы тақырып бойынша [бұған дейінгі жаңалықты]({article}) оқыңыз, ал басқа хабарлар [Жаңалықтар бөлімінде]({section}) жинақталған.",
    links_first: "Тақырыптар [тегтер тізімінде]({article}) берілген, ал барлық хабарлар [Жаңалықтар бөлімінде]({section}) жинақталған.",
};

pub const RU: LangText = LangText {
    code: "ru",
    table_head: ["Показатель", "2024 год", "2025 год"],
    links_article: "Читайте также [предыдущую новость по теме]({article}), а все сообщения собраны в [разделе «Новости»]({section}).",
    links_first: "Темы собраны в [списке тегов]({article}), а все сообщения — в [разделе «Новости»]({section}).",
};
