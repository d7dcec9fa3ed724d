import { PREFECTURES } from '../../lib/japanese.ts';

/**
 * Where demo customers live: prefectures weighted by population (2020 census, thousands), a few
 * real cities in each with the first three digits of their postal codes, and generic town and
 * building names for the street address.
 */
export interface Prefecture {
  name: (typeof PREFECTURES)[number];
  population: number;
  cities: { name: string; postalPrefix: string }[];
}

const TABLE = `
  北海道 5225 札幌市中央区:060 札幌市北区:001 旭川市:070 函館市:040
  青森県 1238 青森市:030 八戸市:031 弘前市:036
  岩手県 1211 盛岡市:020 一関市:021 奥州市:023
  宮城県 2302 仙台市青葉区:980 仙台市泉区:981 石巻市:986
  秋田県 960 秋田市:010 横手市:013 大仙市:014
  山形県 1068 山形市:990 鶴岡市:997 酒田市:998
  福島県 1833 福島市:960 郡山市:963 いわき市:970
  茨城県 2867 水戸市:310 つくば市:305 日立市:317
  栃木県 1933 宇都宮市:320 小山市:323 足利市:326
  群馬県 1939 前橋市:371 高崎市:370 太田市:373
  埼玉県 7345 さいたま市浦和区:330 川口市:332 川越市:350 所沢市:359 越谷市:343
  千葉県 6284 千葉市中央区:260 船橋市:273 松戸市:271 柏市:277 市川市:272
  東京都 14048 新宿区:160 渋谷区:150 世田谷区:154 練馬区:176 大田区:143 杉並区:166 江戸川区:132 港区:106 八王子市:192 町田市:194
  神奈川県 9237 横浜市港北区:222 横浜市青葉区:225 川崎市中原区:211 相模原市中央区:252 藤沢市:251
  新潟県 2201 新潟市中央区:951 長岡市:940 上越市:943
  富山県 1035 富山市:930 高岡市:933
  石川県 1133 金沢市:920 白山市:924 小松市:923
  福井県 767 福井市:910 坂井市:919
  山梨県 810 甲府市:400 甲斐市:400
  長野県 2048 長野市:380 松本市:390 上田市:386
  岐阜県 1979 岐阜市:500 大垣市:503 各務原市:504
  静岡県 3633 静岡市葵区:420 浜松市中央区:430 沼津市:410 富士市:416
  愛知県 7542 名古屋市中区:460 名古屋市千種区:464 豊田市:471 岡崎市:444 一宮市:491
  三重県 1770 津市:514 四日市市:510 鈴鹿市:513
  滋賀県 1414 大津市:520 草津市:525
  京都府 2578 京都市中京区:604 京都市左京区:606 宇治市:611
  大阪府 8838 大阪市北区:530 大阪市中央区:541 堺市堺区:590 豊中市:560 東大阪市:577 吹田市:564
  兵庫県 5465 神戸市中央区:650 姫路市:670 西宮市:662 尼崎市:660
  奈良県 1324 奈良市:630 橿原市:634
  和歌山県 922 和歌山市:640 田辺市:646
  鳥取県 553 鳥取市:680 米子市:683
  島根県 671 松江市:690 出雲市:693
  岡山県 1888 岡山市北区:700 倉敷市:710
  広島県 2800 広島市中区:730 福山市:720 呉市:737
  山口県 1342 山口市:753 下関市:750 宇部市:755
  徳島県 720 徳島市:770 阿南市:774
  香川県 950 高松市:760 丸亀市:763
  愛媛県 1335 松山市:790 今治市:794
  高知県 692 高知市:780 南国市:783
  福岡県 5135 福岡市中央区:810 福岡市博多区:812 北九州市小倉北区:802 久留米市:830
  佐賀県 811 佐賀市:840 唐津市:847
  長崎県 1312 長崎市:850 佐世保市:857
  熊本県 1738 熊本市中央区:860 八代市:866
  大分県 1124 大分市:870 別府市:874
  宮崎県 1070 宮崎市:880 都城市:885
  鹿児島県 1588 鹿児島市:890 霧島市:899
  沖縄県 1467 那覇市:900 沖縄市:904 浦添市:901
`;

export const PREFECTURE_TABLE: Prefecture[] = TABLE.trim()
  .split('\n')
  .map((line) => {
    const [name, population, ...cities] = line.trim().split(/\s+/);
    if (!PREFECTURES.includes(name as Prefecture['name'])) throw new Error(`unknown prefecture ${name}`);
    return {
      name: name as Prefecture['name'],
      population: Number(population),
      cities: cities.map((c) => {
        const [city, postalPrefix] = c.split(':');
        return { name: city!, postalPrefix: postalPrefix! };
      }),
    };
  });

/** 町名 common all over Japan, so any of them is plausible in any city. */
export const TOWNS = `本町 栄町 中央 旭町 緑町 幸町 桜木町 東町 西町 南町 北町 新町 元町 宮前 若葉 花園 松が丘 青葉台
  日の出町 港町 大手町 錦町 泉町 富士見 高砂 朝日町 昭和町 平和町 山手町 千歳町`.split(/\s+/);

export const BUILDING_NAMES = `桜 青葉 若葉 光 富士 緑 柏 楓 銀杏 白鷺 朝日 松風`.split(/\s+/);
export const BUILDING_KINDS = `コーポ ハイツ メゾン レジデンス パレス グランハイツ`.split(/\s+/);
