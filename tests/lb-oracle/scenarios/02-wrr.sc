# wrr: rr, then -E to wrr and weights 4,3,2 (the oracle README's demo), then
# other weights: the gcd stepping restarts
adm -C
adm -A -t $VIP:$PORT -s rr
adm -a -t $VIP:$PORT -r $BE1:80 -m
adm -a -t $VIP:$PORT -r $BE2:80 -m
adm -a -t $VIP:$PORT -r $BE3:80 -m
get 3
adm -E -t $VIP:$PORT -s wrr
adm -e -t $VIP:$PORT -r $BE1:80 -m -w 4
adm -e -t $VIP:$PORT -r $BE2:80 -m -w 3
adm -e -t $VIP:$PORT -r $BE3:80 -m -w 2
get 9
check Ln Lnc S
adm -e -t $VIP:$PORT -r $BE2:80 -m -w 6
adm -e -t $VIP:$PORT -r $BE3:80 -m -w 0
get 8
check
