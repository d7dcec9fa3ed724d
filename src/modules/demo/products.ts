/**
 * The demo shop's assortment: ten categories, each with ten items (base price in yen, tax
 * included as Japanese shops quote it) and variants that make two SKUs of every item.
 * `weight` is the category's share of purchases.
 */
export interface CategorySpec {
  code: string;
  name: string;
  weight: number;
  items: { name: string; price: number }[];
  variants: { label: string; factor: number }[];
}

function items(list: string): CategorySpec['items'] {
  return list
    .trim()
    .split(/\s+/)
    .map((entry) => {
      const [name, price] = entry.split(':');
      return { name: name!, price: Number(price) };
    });
}

function variants(list: string): CategorySpec['variants'] {
  return list
    .trim()
    .split(/\s+/)
    .map((entry) => {
      const [label, factor] = entry.split(':');
      return { label: label!, factor: Number(factor ?? 1) };
    });
}

export const CATEGORIES: CategorySpec[] = [
  {
    code: 'APP',
    name: 'アパレル',
    weight: 18,
    items: items(`Tシャツ:2990 シャツ:4990 ブラウス:5990 ニット:7990 カーディガン:6990 パーカー:5990
      ワンピース:8990 スカート:5990 デニムパンツ:7990 ジャケット:14900`),
    variants: variants('ホワイト ネイビー ブラック ベージュ グレー'),
  },
  {
    code: 'COS',
    name: 'コスメ',
    weight: 16,
    items: items(`化粧水:2480 乳液:2680 美容液:4980 クレンジングオイル:1980 洗顔フォーム:1280 日焼け止め:1680
      ファンデーション:3980 リップスティック:2980 アイシャドウ:3480 ハンドクリーム:980`),
    variants: variants('しっとり さっぱり 無香料 トライアル:0.5 大容量:1.8'),
  },
  {
    code: 'FOD',
    name: '食品',
    weight: 14,
    items: items(`緑茶:1080 ほうじ茶:980 ドリップコーヒー:1480 新潟産コシヒカリ5kg:3980 醤油:648 味噌:864
      だしパック:1296 手焼き煎餅:1080 羊羹:1620 レトルトカレー詰め合わせ:2980`),
    variants: variants('お試し:0.6 定番 ギフト箱:1.6 まとめ買い:2.5'),
  },
  {
    code: 'KIT',
    name: 'キッチン',
    weight: 9,
    items: items(`三徳包丁:6980 まな板:2980 鉄フライパン:5480 土鍋:4980 茶碗:1980 湯呑み:1650
      箸セット:2200 曲げわっぱ弁当箱:6600 保存容器セット:2480 急須:3850`),
    variants: variants('スタンダード 小:0.8 大:1.3 ペア:1.9'),
  },
  {
    code: 'INT',
    name: 'インテリア',
    weight: 8,
    items: items(`クッション:2990 ラグ:9990 遮光カーテン:5990 フロアランプ:12900 収納ボックス:1990 掛け時計:4990
      観葉植物:3990 花瓶:2490 今治タオルセット:4400 掛け布団カバー:6990`),
    variants: variants('ナチュラル モノトーン 北欧柄 和柄'),
  },
  {
    code: 'HLT',
    name: 'ヘルスケア',
    weight: 9,
    items: items(`マルチビタミン:1980 プロテイン:4980 青汁:3240 入浴剤セット:1650 ハンディマッサージャー:8980 体組成計:5980
      着圧ソックス:1980 アイマスク:1480 歯ブラシセット:980 マスク50枚:880`),
    variants: variants('30日分 90日分:2.6 お試し:0.5 定期向け:0.9'),
  },
  {
    code: 'KID',
    name: 'ベビー・キッズ',
    weight: 7,
    items: items(`ロンパース:2490 スタイ:990 知育玩具:3980 絵本:1540 キッズスニーカー:3990 お食事エプロン:1290
      おむつポーチ:2190 ブランケット:3490 積み木:4950 水筒:2640`),
    variants: variants('ベビー キッズ:1.1 ギフト:1.4'),
  },
  {
    code: 'SPT',
    name: 'スポーツ',
    weight: 7,
    items: items(`ヨガマット:3980 ランニングシューズ:9980 トレーニングウェア:4980 ダンベル:3480 ステンレスボトル:2980 スポーツタオル:1280
      サイクルグローブ:2480 キャンプチェア:6980 ランタン:4980 登山用靴下:1980`),
    variants: variants('レギュラー ライト:0.9 プロ:1.5'),
  },
  {
    code: 'STA',
    name: '文具',
    weight: 6,
    items: items(`ゲルボールペン:330 ノート5冊:880 手帳:2200 万年筆:5500 付箋セット:660 ペンケース:1980
      レターセット:770 マスキングテープ:440 御朱印帳:2420 システム手帳:6600`),
    variants: variants('ブルー レッド ブラック 限定色:1.2'),
  },
  {
    code: 'PET',
    name: 'ペット',
    weight: 6,
    items: items(`ドッグフード:3280 キャットフード:2980 猫砂:1580 首輪:1980 ペットベッド:4980 おやつセット:980
      キャリーバッグ:6980 爪とぎ:1280 ペット用ブラシ:1480 給水器:3980`),
    variants: variants('スタンダード プレミアム:1.4 大容量:1.8 シニア用'),
  },
];
