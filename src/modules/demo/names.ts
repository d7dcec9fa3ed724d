/**
 * Japanese names for demo customers: kanji, katakana reading (フリガナ), and a romanisation for
 * e-mail addresses. Family names are the hundred most common, listed by frequency.
 */
export interface Name {
  kanji: string;
  kana: string;
  romaji: string;
}

function parse(list: string): Name[] {
  return list
    .trim()
    .split(/\s+/)
    .map((entry) => {
      const [kanji, kana, romaji] = entry.split(':');
      return { kanji: kanji!, kana: kana!, romaji: romaji! };
    });
}

export const FAMILY_NAMES = parse(`
  佐藤:サトウ:sato 鈴木:スズキ:suzuki 高橋:タカハシ:takahashi 田中:タナカ:tanaka 伊藤:イトウ:ito
  渡辺:ワタナベ:watanabe 山本:ヤマモト:yamamoto 中村:ナカムラ:nakamura 小林:コバヤシ:kobayashi 加藤:カトウ:kato
  吉田:ヨシダ:yoshida 山田:ヤマダ:yamada 佐々木:ササキ:sasaki 山口:ヤマグチ:yamaguchi 松本:マツモト:matsumoto
  井上:イノウエ:inoue 木村:キムラ:kimura 林:ハヤシ:hayashi 斎藤:サイトウ:saito 清水:シミズ:shimizu
  山崎:ヤマザキ:yamazaki 森:モリ:mori 池田:イケダ:ikeda 橋本:ハシモト:hashimoto 阿部:アベ:abe
  石川:イシカワ:ishikawa 山下:ヤマシタ:yamashita 中島:ナカジマ:nakajima 石井:イシイ:ishii 小川:オガワ:ogawa
  前田:マエダ:maeda 岡田:オカダ:okada 長谷川:ハセガワ:hasegawa 藤田:フジタ:fujita 後藤:ゴトウ:goto
  近藤:コンドウ:kondo 村上:ムラカミ:murakami 遠藤:エンドウ:endo 青木:アオキ:aoki 坂本:サカモト:sakamoto
  斉藤:サイトウ:saito 福田:フクダ:fukuda 太田:オオタ:ota 西村:ニシムラ:nishimura 藤井:フジイ:fujii
  金子:カネコ:kaneko 岡本:オカモト:okamoto 藤原:フジワラ:fujiwara 中野:ナカノ:nakano 三浦:ミウラ:miura
  原田:ハラダ:harada 中川:ナカガワ:nakagawa 松田:マツダ:matsuda 竹内:タケウチ:takeuchi 小野:オノ:ono
  田村:タムラ:tamura 中山:ナカヤマ:nakayama 和田:ワダ:wada 石田:イシダ:ishida 森田:モリタ:morita
  上田:ウエダ:ueda 原:ハラ:hara 内田:ウチダ:uchida 柴田:シバタ:shibata 酒井:サカイ:sakai
  宮崎:ミヤザキ:miyazaki 横山:ヨコヤマ:yokoyama 高木:タカギ:takagi 安藤:アンドウ:ando 宮本:ミヤモト:miyamoto
  大野:オオノ:ono 小島:コジマ:kojima 谷口:タニグチ:taniguchi 今井:イマイ:imai 工藤:クドウ:kudo
  高田:タカダ:takada 増田:マスダ:masuda 丸山:マルヤマ:maruyama 杉山:スギヤマ:sugiyama 村田:ムラタ:murata
  大塚:オオツカ:otsuka 新井:アライ:arai 小山:コヤマ:koyama 平野:ヒラノ:hirano 藤本:フジモト:fujimoto
  河野:コウノ:kono 上野:ウエノ:ueno 野口:ノグチ:noguchi 武田:タケダ:takeda 松井:マツイ:matsui
  千葉:チバ:chiba 岩崎:イワサキ:iwasaki 菅原:スガワラ:sugawara 木下:キノシタ:kinoshita 久保:クボ:kubo
  佐野:サノ:sano 野村:ノムラ:nomura 松尾:マツオ:matsuo 市川:イチカワ:ichikawa 菊地:キクチ:kikuchi
`);

export const FEMALE_GIVEN_NAMES = parse(`
  陽葵:ヒマリ:himari 結衣:ユイ:yui 美咲:ミサキ:misaki さくら:サクラ:sakura 葵:アオイ:aoi
  陽菜:ヒナ:hina 凛:リン:rin 芽依:メイ:mei 結菜:ユイナ:yuina 紬:ツムギ:tsumugi
  愛:アイ:ai 彩:アヤ:aya 美穂:ミホ:miho 恵:メグミ:megumi 裕子:ユウコ:yuko
  直美:ナオミ:naomi 由美子:ユミコ:yumiko 智子:トモコ:tomoko 久美子:クミコ:kumiko 真由美:マユミ:mayumi
  明美:アケミ:akemi 陽子:ヨウコ:yoko 京子:キョウコ:kyoko 幸子:サチコ:sachiko 和子:カズコ:kazuko
  恵子:ケイコ:keiko 優子:ユウコ:yuko 麻衣:マイ:mai 千尋:チヒロ:chihiro 奈々:ナナ:nana
  香織:カオリ:kaori 舞:マイ:mai 綾香:アヤカ:ayaka 沙織:サオリ:saori 真理子:マリコ:mariko
  理恵:リエ:rie 美香:ミカ:mika 由佳:ユカ:yuka 莉子:リコ:riko 杏:アン:an
  美月:ミヅキ:mizuki 七海:ナナミ:nanami 花子:ハナコ:hanako 詩織:シオリ:shiori 瞳:ヒトミ:hitomi
  朋美:トモミ:tomomi 早紀:サキ:saki 愛子:アイコ:aiko 文子:フミコ:fumiko 順子:ジュンコ:junko
`);

export const MALE_GIVEN_NAMES = parse(`
  蓮:レン:ren 湊:ミナト:minato 大翔:ヒロト:hiroto 陽翔:ハルト:haruto 悠真:ユウマ:yuma
  樹:イツキ:itsuki 蒼:アオイ:aoi 颯太:ソウタ:sota 大和:ヤマト:yamato 翔太:ショウタ:shota
  拓海:タクミ:takumi 健太:ケンタ:kenta 翔:ショウ:sho 大輔:ダイスケ:daisuke 誠:マコト:makoto
  直樹:ナオキ:naoki 哲也:テツヤ:tetsuya 剛:ツヨシ:tsuyoshi 浩:ヒロシ:hiroshi 学:マナブ:manabu
  隆:タカシ:takashi 健一:ケンイチ:kenichi 和也:カズヤ:kazuya 達也:タツヤ:tatsuya 雄一:ユウイチ:yuichi
  修:オサム:osamu 茂:シゲル:shigeru 博:ヒロシ:hiroshi 清:キヨシ:kiyoshi 勇気:ユウキ:yuki
  亮:リョウ:ryo 大樹:ダイキ:daiki 優太:ユウタ:yuta 駿:シュン:shun 涼介:リョウスケ:ryosuke
  智也:トモヤ:tomoya 拓也:タクヤ:takuya 一郎:イチロウ:ichiro 慎太郎:シンタロウ:shintaro 正樹:マサキ:masaki
  健:ケン:ken 秀樹:ヒデキ:hideki 光:ヒカル:hikaru 康弘:ヤスヒロ:yasuhiro 悠斗:ユウト:yuto
  陸:リク:riku 蒼空:ソラ:sora 海斗:カイト:kaito 俊介:シュンスケ:shunsuke 和彦:カズヒコ:kazuhiko
`);

/** Company names for B2B accounts: a family name plus a trade, as in 佐藤商事. */
export const TRADES = parse(`
  商事:ショウジ:shoji 物産:ブッサン:bussan 製作所:セイサクショ:seisakusho 工業:コウギョウ:kogyo
  建設:ケンセツ:kensetsu 食品:ショクヒン:shokuhin 印刷:インサツ:insatsu 運輸:ウンユ:unyu
  システムズ:システムズ:systems デザイン:デザイン:design 不動産:フドウサン:fudosan 薬局:ヤッキョク:yakkyoku
`);
